"""Payment status of an invoice and its credit notes: pure functions of their amounts (no database).

An invoice and the credit notes that refund it are one family. In the document currency:

- `invoiced`: the invoice's receivable (its total less the tax the marketplace collects);
- `credited`: each posted credit note's receivable, oldest first;
- `received`: money received against any of them (a payment, Amazon's proceeds in a settlement);
- `paid_back`: money paid out against any of them (Amazon's refund to the buyer in a settlement).

The family's balance is `invoiced - credited - (received - paid_back)`: what the customer still owes
(positive) or is owed back (negative); it is the family's balance on the receivable account.

- The invoice: **credited** when its credit notes reverse all of it; else its amount due is the balance
  (at least 0): **paid** when nothing is due, **partially paid** when money came in and some is due,
  **not paid** when no money came in (a credit note lessens the amount due, it is no payment).
- Each credit note: what is still to be paid back to the buyer is the negative balance, owed by the newest
  credit notes first; **paid** when nothing is (paid back, or set against its unpaid invoice).

So Amazon paying an invoice in one settlement and refunding part of it in a later one leaves the invoice
paid and, once the refund is paid out, the credit note paid, and the family's receivable at zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sellersync.accounting.choices import PaymentStatus

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FamilyAmounts:
    """An invoice, its credit notes and the money that settled them, in the document currency."""

    invoiced: Decimal
    credited: tuple[Decimal, ...] = ()
    received: Decimal = ZERO
    paid_back: Decimal = ZERO

    @property
    def total_credited(self) -> Decimal:
        return sum(self.credited, ZERO)

    @property
    def balance(self) -> Decimal:
        """What the customer owes (> 0) or is owed back (< 0) for the whole family."""
        return self.invoiced - self.total_credited - (self.received - self.paid_back)


@dataclass(frozen=True)
class DocumentStatus:
    status: PaymentStatus
    amount_due: Decimal


def invoice_status(amounts: FamilyAmounts) -> DocumentStatus:
    """The invoice's status and amount due (never negative)."""
    if amounts.invoiced > ZERO and amounts.total_credited >= amounts.invoiced:
        return DocumentStatus(PaymentStatus.CREDITED, ZERO)
    due = max(amounts.balance, ZERO)
    if due == ZERO:
        return DocumentStatus(PaymentStatus.PAID, ZERO)
    if amounts.received - amounts.paid_back > ZERO:
        return DocumentStatus(PaymentStatus.PARTIALLY_PAID, due)
    return DocumentStatus(PaymentStatus.NOT_PAID, due)


def credit_note_statuses(amounts: FamilyAmounts) -> list[DocumentStatus]:
    """Each credit note's status (in `amounts.credited` order) and what is still to pay back on it."""
    to_pay_back = max(-amounts.balance, ZERO)
    owed: list[Decimal] = []
    for credited in reversed(amounts.credited):  # the newest refund is the one not paid out yet
        share = min(credited, to_pay_back)
        owed.append(share)
        to_pay_back -= share
    owed.reverse()
    return [
        DocumentStatus(_credit_note_status(credited, due), due)
        for credited, due in zip(amounts.credited, owed, strict=True)
    ]


def _credit_note_status(credited: Decimal, due: Decimal) -> PaymentStatus:
    if due == ZERO:
        return PaymentStatus.PAID
    return PaymentStatus.PARTIALLY_PAID if due < credited else PaymentStatus.NOT_PAID
