"""Core services: gapless references and finding partners again, both idempotent under unique constraints."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from collections.abc import Sequence as Seq
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Field, Model, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext

from sellersync.core.models import Company, Currency, Partner, Sequence, UserPreference


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


#: What identifies a person on a partner; city, region, postal code, country and VAT number are kept.
PERSONAL_FIELDS = ("company_name", "email", "phone", "street", "street2")


def erase_personal_data(partners: QuerySet[Partner]) -> int:
    """Erase the personal data of `partners` (name, company name, e-mail, phone, street lines): each becomes
    an anonymous "Amazon Customer" of its city, still linked to its orders. Returns how many were erased."""
    return partners.update(
        name=gettext("Amazon Customer"),
        is_anonymous=True,
        is_company=False,
        match_key=Concat(Value("erased:"), Cast("pk", CharField())),
        **{field: "" for field in PERSONAL_FIELDS},
    )


def create_company(name: str, currency: Currency, country_code: str, **extra: object) -> Company:
    """Create a company. Its stock setup (default warehouse, Amazon location) is `stock.services`' job."""
    return Company.objects.create(name=name, currency=currency, country_code=country_code.upper(), **extra)


def remember_language(user_id: int, language: str) -> None:
    """Keep the user's choice of language for the back office (one preference row per user)."""
    UserPreference.objects.update_or_create(user_id=user_id, defaults={"language": language})


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
    f'UPDATE "{Sequence._meta.db_table}" SET "next_number" = "next_number" + 1'  # noqa: S608  # nosec B608
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


#: (instance, connection) -> the parameter of one field; (value, connection) -> the same, from a value.
_Converter = Callable[[Model, BaseDatabaseWrapper], Any]
_ToDatabase = Callable[[Any, BaseDatabaseWrapper], Any]
#: (database alias, model, rows) -> the INSERT statement, compiled once per process.
_INSERT_STATEMENTS: dict[tuple[str, type[Model], int], str] = {}
#: model -> one converter per inserted field (obj, connection) -> parameter, in the statement's order.
_ROW_CONVERTERS: dict[type[Model], list[_Converter]] = {}
#: Rows per statement: far below SQLite's 32766 bound parameters (and Django's own 999 for old builds).
_INSERT_BATCH = 50
#: Field classes (exactly these, not subclasses) whose `get_db_prep_save` returns a str unchanged.
_TEXT_FIELDS = (models.CharField, models.TextField)
#: ... an int (exactly) unchanged.
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
    model = type(objs[0])
    converters = _row_converters(model)
    for start in range(0, len(objs), _INSERT_BATCH):
        batch = objs[start : start + _INSERT_BATCH]
        sql = _insert_statement(connection, model, len(batch))
        params = [convert(obj, connection) for obj in batch for convert in converters]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        for obj, pk in zip(batch, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias


def _inserted_fields(model: type[Model]) -> list[Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _insert_statement(connection: BaseDatabaseWrapper, model: type[Model], rows: int) -> str:
    key = (connection.alias, model, rows)
    if key not in _INSERT_STATEMENTS:
        meta = model._meta
        fields_ = _inserted_fields(model)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields_)
        row = "(" + ", ".join(["%s"] * len(fields_)) + ")"
        _INSERT_STATEMENTS[key] = (  # names are the model's, values are parameters
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608  # nosec B608
            f" RETURNING {quote(meta.pk.column)}"
        )
    return _INSERT_STATEMENTS[key]


def _row_converters(model: type[Model]) -> list[_Converter]:
    if model not in _ROW_CONVERTERS:
        _ROW_CONVERTERS[model] = [_field_converter(field) for field in _inserted_fields(model)]
    return _ROW_CONVERTERS[model]


def _field_converter(field: Field[Any, Any]) -> _Converter:
    """Reads the field's value from an instance and turns it into a parameter, as `save()` would."""
    to_database = _to_database(field)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj, connection: to_database(field.pre_save(obj, True), connection)
    attname = field.attname
    if isinstance(field, models.ForeignKey):
        return _foreign_key_converter(field, to_database)
    return lambda obj, connection: to_database(getattr(obj, attname), connection)


def _foreign_key_converter(field: models.ForeignKey[Any, Any], to_database: _ToDatabase) -> _Converter:
    """The id, read from the related object when it was saved after being assigned (as `save()` does)."""
    attname = field.attname

    def convert(obj: Model, connection: BaseDatabaseWrapper) -> Any:
        value = getattr(obj, attname)
        if value is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None:
                value = related.pk
                setattr(obj, attname, value)
        return to_database(value, connection)

    return convert


def _to_database(field: Field[Any, Any]) -> _ToDatabase:
    """`field.get_db_prep_save`, with the common values that it would return unchanged let through."""
    prepare = field.get_db_prep_save
    related = isinstance(field, models.ForeignKey)
    kind = type(field.target_field if related else field)
    if kind in _TEXT_FIELDS and not related:  # a foreign key turns "" into NULL: let prepare decide
        return lambda value, connection: (
            value if value is None or isinstance(value, str) else prepare(value, connection)
        )
    if kind in _INTEGER_FIELDS:
        return lambda value, connection: (
            value if value is None or type(value) is int else prepare(value, connection)
        )
    if kind is models.BooleanField:
        return lambda value, connection: (
            value if value is None or type(value) is bool else prepare(value, connection)
        )
    if kind is models.DecimalField and not related:
        return _decimal_to_database(field)
    if kind is models.DateTimeField and not related:
        return _datetime_to_database(field)
    return prepare


def _decimal_to_database(field: Field[Any, Any]) -> _ToDatabase:
    prepare = field.get_db_prep_save
    max_digits, decimal_places = field.max_digits, field.decimal_places

    def to_database(value: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        if type(value) is Decimal and value.is_finite():  # what `to_python` would return
            return connection.ops.adapt_decimalfield_value(value, max_digits, decimal_places)
        return prepare(value, connection)

    return to_database


def _datetime_to_database(field: Field[Any, Any]) -> _ToDatabase:
    prepare = field.get_db_prep_save

    def to_database(value: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        if type(value) is datetime and value.utcoffset() is not None:  # aware: nothing to warn about
            return connection.ops.adapt_datetimefield_value(value)
        return prepare(value, connection)

    return to_database
