"""Secrets sealed at rest: Fernet (cryptography) with the keys in FIELD_ENCRYPTION_KEYS.

The first key seals; every key listed unseals (MultiFernet), so keys rotate without downtime: put the new
key first, run `manage.py rotate_secrets` (every LAO's sealed values re-sealed with it), then drop the old
one. A database dump or a backup holds tokens, never the bank's secrets.
"""
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_cache: dict[tuple[str, ...], MultiFernet] = {}


class SealingError(ImproperlyConfigured):
    """A stored value none of FIELD_ENCRYPTION_KEYS opens: a key was dropped before `rotate_secrets` ran."""


def _fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: secrets cannot be sealed.")
    if keys not in _cache:
        _cache.clear()
        _cache[keys] = MultiFernet([Fernet(key) for key in keys])
    return _cache[keys]


def seal(plain: str) -> str:
    """A token for `plain` (empty stays empty: nothing to hide)."""
    return _fernet().encrypt(plain.encode()).decode("ascii") if plain else ""


def is_sealed(value: str) -> bool:
    try:
        _fernet().decrypt(value.encode())
    except (InvalidToken, TypeError, ValueError):
        return False
    return True


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SealingError("A sealed secret cannot be opened with FIELD_ENCRYPTION_KEYS: was a key removed "
                           "before `manage.py rotate_secrets` re-sealed it?") from None


def reseal(value: str) -> str:
    """The same secret sealed with the first key (a plain value left from before sealing is sealed)."""
    if not value:
        return ""
    if not is_sealed(value):
        return seal(value)
    return _fernet().rotate(value.encode()).decode("ascii")


class SealedTextField(models.TextField):
    """Plain text in Python, a Fernet token in the database. Never filter on it: tokens differ every time."""

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return seal(value) if value else value
