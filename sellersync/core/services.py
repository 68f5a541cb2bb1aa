"""Core services: gapless references and finding partners again, both idempotent under unique constraints."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence as Seq
from dataclasses import dataclass, fields
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils.translation import gettext

from sellersync.core.models import Company, Currency, Partner, Sequence


@dataclass(frozen=True)
class PartnerData:
    """What a caller knows of a customer; `external_key` (when given) beats its address."""

    name: str = ""
    company_name: str = ""
    is_company: bool = False
    is_anonymous: bool = False
    vat_number: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country_code: str = ""
    external_key: str = ""


_ADDRESS_FIELDS = (
    "name",
    "company_name",
    "street",
    "street2",
    "city",
    "state",
    "postal_code",
    "country_code",
)


def _normalize(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(folded.split())


def partner_match_key(data: PartnerData) -> str:
    """The stable key a partner is found again by: the external key, else a hash of name and address."""
    if data.external_key:
        return f"ext:{data.external_key}"[:128]
    normalized = "\x1f".join(_normalize(getattr(data, name)) for name in _ADDRESS_FIELDS)
    prefix = "anon" if data.is_anonymous else "addr"
    return f"{prefix}:{hashlib.sha256(normalized.encode()).hexdigest()}"


def find_or_create_partner(company: Company, data: PartnerData, parent: Partner | None = None) -> Partner:
    """Return the company's partner with this data's match key, creating it once (race-safe)."""
    defaults = {f.name: getattr(data, f.name) for f in fields(data) if f.name != "external_key"}
    if data.is_anonymous and not data.name:
        defaults["name"] = gettext("Amazon Customer")
    defaults["parent"] = parent
    partner, _created = Partner.objects.get_or_create(
        company=company, match_key=partner_match_key(data), defaults=defaults
    )
    return partner


def create_company(name: str, currency: Currency, country_code: str, **extra: object) -> Company:
    """Create a company. Its stock setup (default warehouse, Amazon location) is `stock.services`' job."""
    return Company.objects.create(name=name, currency=currency, country_code=country_code.upper(), **extra)


def next_reference(company: Company, code: str, prefix: str, padding: int = 5) -> str:
    """The next reference of a gapless per-company sequence, e.g. "S00042".

    Must run inside the caller's transaction: the counter row stays locked until it commits, and a
    rollback gives the number back, so numbers are never skipped nor used twice.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("next_reference() must run inside a transaction")
    row = _advance_sequence(connection, company.pk, code)
    if row is None:  # first number of this sequence: create the row (race-safe), then advance it
        Sequence.objects.get_or_create(
            company=company, code=code, defaults={"prefix": prefix, "padding": padding}
        )
        row = _advance_sequence(connection, company.pk, code)
        assert row is not None
    number, stored_prefix, stored_padding = row
    return f"{stored_prefix}{number:0{stored_padding}d}"


_ADVANCE_SQL = (  # the table name is the model's, never input
    f'UPDATE "{Sequence._meta.db_table}" SET "next_number" = "next_number" + 1'  # noqa: S608
    ' WHERE "company_id" = %s AND "code" = %s RETURNING "next_number" - 1, "prefix", "padding"'
)


def _advance_sequence(
    connection: BaseDatabaseWrapper, company_id: int, code: str
) -> tuple[int, str, int] | None:
    """Take the next number in one statement; the UPDATE locks the row until the caller's commit.

    `UPDATE ... RETURNING` needs PostgreSQL or SQLite >= 3.35 (the machine's is 3.40).
    """
    with connection.cursor() as cursor:
        cursor.execute(_ADVANCE_SQL, [company_id, code])
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), row[1], int(row[2]))


#: (database alias, model, rows) -> the INSERT statement and its fields, compiled once per process.
_INSERT_STATEMENTS: dict[tuple[str, type[Model], int], tuple[str, list[_InsertField]]] = {}
#: Rows per statement: far below SQLite's 32766 bound parameters (and Django's own 999 for old builds).
_INSERT_BATCH = 50
#: Field classes (exactly these, not subclasses) -> the values their `get_db_prep_save` returns unchanged.
_TEXT_FIELDS = (models.CharField, models.TextField)
_INTEGER_FIELDS = (
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.AutoField,
    models.BigAutoField,
)


@dataclass(frozen=True)
class _InsertField:
    field: Field[Any, Any]
    text: bool  # a str (choices included) or None is passed as it is
    integer: bool  # an int (exactly) or None is passed as it is
    boolean: bool  # a bool or None is passed as it is
    related: bool  # a foreign key: its id may have to be read from the related object
    pre_save: bool  # auto_now / auto_now_add


def insert_rows(objs: Seq[Model]) -> None:
    """Insert new instances of one model like `bulk_create`, with a statement compiled once per process.

    For the ingest's hot path, where compiling each INSERT costs more than running it. Like `bulk_create`:
    no `save()`, no signals; `auto_now(_add)` and foreign keys to saved related objects are filled in;
    primary keys come back through `RETURNING` (PostgreSQL, SQLite >= 3.35). Runs in the caller's
    transaction.
    """
    if not objs:
        return
    connection = transaction.get_connection()
    for start in range(0, len(objs), _INSERT_BATCH):
        batch = objs[start : start + _INSERT_BATCH]
        sql, fields_ = _insert_statement(connection, type(batch[0]), len(batch))
        params = [_db_value(obj, spec, connection) for obj in batch for spec in fields_]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        for obj, pk in zip(batch, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias


def _insert_statement(
    connection: BaseDatabaseWrapper, model: type[Model], rows: int
) -> tuple[str, list[_InsertField]]:
    key = (connection.alias, model, rows)
    if key not in _INSERT_STATEMENTS:
        meta = model._meta
        fields_ = [field for field in meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields_)
        row = "(" + ", ".join(["%s"] * len(fields_)) + ")"
        sql = (  # names are the model's, values are parameters
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608
            f" RETURNING {quote(meta.pk.column)}"
        )
        _INSERT_STATEMENTS[key] = (sql, [_insert_field(field) for field in fields_])
    return _INSERT_STATEMENTS[key]


def _insert_field(field: Field[Any, Any]) -> _InsertField:
    related = isinstance(field, models.ForeignKey)
    kind = type(field.target_field if related else field)
    return _InsertField(
        field=field,
        text=kind in _TEXT_FIELDS,
        integer=kind in _INTEGER_FIELDS,
        boolean=kind is models.BooleanField,
        related=related,
        pre_save=bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)),
    )


def _db_value(obj: Model, spec: _InsertField, connection: BaseDatabaseWrapper) -> Any:
    field = spec.field
    if spec.pre_save:
        return field.get_db_prep_save(field.pre_save(obj, True), connection)
    value = getattr(obj, field.attname)
    if value is None and spec.related and field.is_cached(obj):
        related = field.get_cached_value(obj)
        if related is not None:
            value = related.pk
            setattr(obj, field.attname, value)
    if (value is None and (spec.text or spec.integer or spec.boolean)) or (
        (spec.text and isinstance(value, str))
        or (spec.integer and type(value) is int)
        or (spec.boolean and type(value) is bool)
    ):
        return value
    return field.get_db_prep_save(value, connection)
