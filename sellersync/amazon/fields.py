"""Model fields of the connector: secrets encrypted at rest with Fernet (cryptography's MultiFernet).

The first key of settings.FERNET_KEYS encrypts; all of them decrypt, so keys can be rotated by putting a new
key first, then re-encrypting every stored value with `sellersync rotate_keys` before removing the old key
(docs/production.md). Where the keys come from: sellersync/keys.py. The ciphertext is stored as text; the
clear value exists only in memory.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("SELLERSYNC_FERNET_KEYS is empty: secrets cannot be encrypted")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FERNET_KEYS))


class EncryptedTextField(models.TextField):
    """A text column whose value is Fernet-encrypted in the database."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return cipher().decrypt(value.encode()).decode()
        except InvalidToken as error:
            raise ImproperlyConfigured(
                f"{self.model.__name__}.{self.name} cannot be decrypted with SELLERSYNC_FERNET_KEYS"
            ) from error

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return cipher().encrypt(str(value).encode()).decode()


def mask_secret(value: str | None) -> str:
    """How a secret is shown back: its length hidden, only its last 4 characters."""
    if not value:
        return ""
    return "••••" + value[-4:] if len(value) > 8 else "••••"
