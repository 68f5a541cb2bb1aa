"""Base classes of the SP-API payload models, and ``parse`` which turns a mismatch into PayloadError."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel, to_pascal

from sellersync.spapi.errors import PayloadError

ModelT = TypeVar("ModelT", bound=BaseModel)

_ORDER_ID_KEYS = ("AmazonOrderId", "orderId")
#: The key of `pii_granted` in a model's private state.
PII_GRANTED = "pii_granted"


class SpApiModel(BaseModel):
    """A payload we read: unknown fields ignored, Python names, Amazon's names as aliases."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    @property
    def pii_granted(self) -> bool:
        """True when this object was fetched with a restricted data token (PII fields may be present).

        Kept in the model's private state by `mark_pii`, not declared as a private attribute: pydantic
        would then run a post-init hook for every nested object validated, a third of the validation time.
        """
        return bool((self.__pydantic_private__ or {}).get(PII_GRANTED))


class PascalModel(SpApiModel):
    """Models of v0 APIs, whose field names are PascalCase (``AmazonOrderId``)."""

    model_config = ConfigDict(alias_generator=to_pascal)


class CamelModel(SpApiModel):
    """Models of 2021+ APIs, whose field names are camelCase (``orderId``)."""

    model_config = ConfigDict(alias_generator=to_camel)


def _order_id_along(data: Any, location: Sequence[int | str]) -> str | None:
    """The deepest Amazon order id found on the way down ``location`` in the raw payload."""
    found: str | None = None
    node = data
    for step in (None, *location):
        if step is not None:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        if isinstance(node, Mapping):
            for key in _ORDER_ID_KEYS:
                if isinstance(node.get(key), str):
                    found = node[key]
    return found


def parse(model: type[ModelT], data: Any, *, operation: str, order_id: str | None = None) -> ModelT:
    """Validate ``data`` as ``model``; a mismatch becomes a PayloadError naming operation, order and field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "<root>"
        known_order = _order_id_along(data, first["loc"]) or order_id
        where = f" for order {known_order}" if known_order else ""
        raise PayloadError(
            f"{operation}: response{where} does not fit the model at {field}: {first['msg']}",
            operation=operation,
        ) from exc
