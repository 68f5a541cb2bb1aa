"""The delivery slip of a transfer (PDF, fpdf2): what goes in the parcel, to whom, and from which order.

The items (SKU, name, quantity: what was shipped once the transfer is done, else what is to ship), the
ship-to address as the partner holds it (a customer whose buyer data was not granted has only a city, postal
code and country: that is all the slip shows), the transfer's and the sales order's references, plus what
the caller adds: other references (e.g. the marketplace's order id) and the buyer's gift messages.
The document is in the active language (the user who prints), or the one given.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sellersync.core.models import Partner
from sellersync.core.pdf import Document
from sellersync.stock.choices import MoveState, PickingState
from sellersync.stock.models import Move, Picking


@dataclass(frozen=True)
class SlipExtras:
    """What a connector adds to a slip: (label, value) references and the buyer's gift messages."""

    references: Sequence[tuple[str, str]] = ()
    gift_messages: Sequence[str] = field(default_factory=tuple)


def address_lines(partner: Partner) -> list[str]:
    """The ship-to block: name (and company), street lines, postal code and city, region, country."""
    lines = [partner.name]
    if partner.company_name and partner.company_name != partner.name:
        lines.append(partner.company_name)
    lines += [part for part in (partner.street, partner.street2) if part]
    city = " ".join(part for part in (partner.postal_code, partner.city) if part)
    lines += [part for part in (city, partner.state, partner.country_code) if part]
    return lines


def slip_items(picking: Picking) -> list[tuple[str, str, str]]:
    """(SKU, name, quantity) per line: done quantities of a done transfer, else the demand."""
    moves = picking.moves.exclude(state=MoveState.CANCELED).select_related("product").order_by("pk")
    rows = []
    for move in moves:
        rows.append((move.product.default_code, move.product.name, _quantity(picking, move)))
    return rows


def _quantity(picking: Picking, move: Move) -> str:
    quantity = move.quantity_done if picking.state == PickingState.DONE else move.quantity
    return formats.number_format(quantity.normalize(), use_l10n=True)


def render_delivery_slip(
    picking: Picking, extras: SlipExtras | None = None, language: str | None = None
) -> bytes:
    """The transfer's delivery slip as PDF bytes, in `language` or else the active one."""
    with translation.override(language) if language else nullcontext():
        return _render(picking, extras or SlipExtras())


def _render(picking: Picking, extras: SlipExtras) -> bytes:
    picking = Picking.objects.select_related("company", "partner", "sales_order").get(pk=picking.pk)
    doc = Document()
    doc.line(_("Delivery slip %(reference)s") % {"reference": picking.reference}, size=16, height=10)
    moment = picking.done_at or picking.scheduled_date
    doc.line(_("Date: %(date)s") % {"date": formats.date_format(timezone.localtime(moment), "DATE_FORMAT")})
    if picking.sales_order is not None:
        doc.line(_("Sales order: %(name)s") % {"name": picking.sales_order.name})
    elif picking.origin:
        doc.line(_("Source document: %(origin)s") % {"origin": picking.origin})
    for label, value in extras.references:
        doc.line(f"{label}: {value}")
    doc.line(picking.company.name, size=11)
    if picking.partner is not None:
        doc.line(_("Ship to:"), size=11)
        for line in address_lines(picking.partner):
            doc.line(line)
    widths = [45.0, 115.0, 30.0]
    doc.row([_("SKU"), _("Product"), _("Quantity")], widths, aligns="LLR")
    for sku, name, quantity in slip_items(picking):
        doc.row([sku, name, quantity], widths, aligns="LLR")
    for message in extras.gift_messages:
        doc.line(_("Gift message: %(message)s") % {"message": message}, size=11)
    return doc.output()


def slip_filename(picking: Picking) -> str:
    """A file name for downloads, e.g. WH-OUT-00001-slip.pdf."""
    return f"{picking.reference.replace('/', '-')}-slip.pdf"
