"""VAT numbers: whether one has a valid format (country prefix, length, check digits), with python-stdnum.

Only the format is checked, offline: a number can be well formed and still not registered (VIES answers
that, online). A number that fails is flagged for the bookkeeper, never refused: Amazon gave it.
"""

from __future__ import annotations

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.util import get_cc_module

# Prefixes python-stdnum's EU module checks (EU members, "EL" for Greece, "XI" for Northern Ireland).
_EU_PREFIXES = frozenset(eu_vat.MEMBER_STATES) | {"el", "xi"}


def vat_number_is_valid(number: str) -> bool:
    """Whether `number`, with its country prefix (e.g. "DE136695976"), is a well-formed VAT number."""
    compact = "".join(number.split()).upper()
    prefix = compact[:2].lower()
    if prefix in _EU_PREFIXES:
        return bool(eu_vat.is_valid(compact))
    module = get_cc_module(prefix, "vat") if prefix.isalpha() else None
    if module is None:
        return False
    try:
        module.validate(compact)
    except ValidationError:
        return False
    return True
