"""Amazon's carrier codes and how a local carrier is told to Amazon.

A carrier's explicit Amazon code, or else its name, is matched case-insensitively against Amazon's list; a
carrier Amazon does not know is sent as "Other" with its name; the "Self Delivery" carrier (own deliveries)
is sent as "Other" / "Self Delivery". An explicit code that is not in Amazon's list is refused before
anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from sellersync.core.errors import DomainError
from sellersync.stock.models import Carrier

OTHER = "Other"
SELF_DELIVERY = "Self Delivery"
#: Carrier codes Amazon accepts in CarrierCode / carrierCode (a subset of Amazon's published list, the same
#: one the local sandbox enforces).
AMAZON_CARRIER_CODES: tuple[str, ...] = (
    "USPS", "UPS", "UPS Mail Innovations", "FedEx", "FedEx SmartPost", "DHL", "DHL eCommerce", "DHL Express",
    "DHL Freight", "OnTrac", "LaserShip", "Amazon Shipping", "Newgistics", "Streamlite", "Estes",
    "Royal Mail", "Parcelforce", "DPD", "DPD UK", "Hermes", "Evri", "Yodel", "UK Mail", "Whistl", "TNT",
    "GLS", "Deutsche Post", "Hermes Logistik Gruppe", "Colissimo", "Chronopost", "La Poste", "Mondial Relay",
    "Colis Prive", "Poste Italiane", "BRT", "SDA", "Nexive", "SEUR", "Correos", "Correos Express", "MRW",
    "Nacex", "PostNL", "bpost", "PostNord", "InPost", "Poczta Polska", "Yamato Transport", "Sagawa",
    "Japan Post", "Seino Transportation", "Canada Post", "Purolator", "Canpar", "Australia Post",
    "StarTrack", "Aramex", "Blue Dart", "Delhivery", "India Post", "China Post", "Singapore Post",
    "Landmark Global", OTHER,
)  # fmt: skip
_BY_FOLDED_NAME = {code.casefold(): code for code in AMAZON_CARRIER_CODES}


class UnknownCarrierCode(DomainError):
    """The carrier's Amazon code is not one Amazon accepts."""


@dataclass(frozen=True)
class AmazonCarrier:
    """What Amazon receives: a code from its list and, for "Other", the carrier's name."""

    code: str
    name: str = ""


def amazon_code(text: str) -> str | None:
    """Amazon's spelling of a carrier code or name, matched case-insensitively; None when not in the list."""
    return _BY_FOLDED_NAME.get(text.strip().casefold())


def amazon_carrier(carrier: Carrier) -> AmazonCarrier:
    """How this carrier is sent to Amazon; UnknownCarrierCode when its explicit code is not Amazon's."""
    if carrier.is_self_delivery:
        return AmazonCarrier(OTHER, SELF_DELIVERY)
    if carrier.amazon_carrier_code:
        code = amazon_code(carrier.amazon_carrier_code)
        if code is None:
            raise UnknownCarrierCode(
                _("%(carrier)s: Amazon does not know the carrier code '%(code)s'.")
                % {"carrier": carrier.name, "code": carrier.amazon_carrier_code}
            )
        return AmazonCarrier(code, carrier.name if code == OTHER else "")
    code = amazon_code(carrier.name)
    if code is None or code == OTHER:
        return AmazonCarrier(OTHER, carrier.name)
    return AmazonCarrier(code)
