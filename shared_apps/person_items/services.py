"""Writes of the published items (public schema), called by the LAO side after its own change committed
(tenant_apps/published/person_items.py) and by its rebuild; public code never reads a LAO's schema.

Each publisher takes `items_lock()` for its LAO before it reads the LAO's records, so whichever writes last
has read everything committed (two transactions that each publish after commit cannot leave the older state).
Rows are replaced by key: every row of those keys goes, the current ones come in.
"""
from __future__ import annotations

import zlib
from typing import Iterable

from django.db import connection, transaction

from .models import PersonBusiness, PersonItem

_LOCK = zlib.crc32(b"person_items") - 2**31


def items_lock(*, lao_id: int) -> None:
    """A transaction-level advisory lock on one LAO's published items (released at commit or rollback)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK, lao_id])


def items_replace(*, lao_id: int, keys: Iterable[str], rows: Iterable[dict]) -> int:
    """Replace the LAO's rows of these keys with `rows` (each a PersonItem's fields without lao). The caller
    holds `items_lock` and is in a transaction."""
    keys = sorted(set(keys))
    rows = [PersonItem(lao_id=lao_id, **row) for row in rows]
    if any(row.key not in keys for row in rows):
        raise ValueError("a published row outside the keys being replaced")
    PersonItem.objects.filter(lao_id=lao_id, key__in=keys).delete()
    PersonItem.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def businesses_replace(*, lao_id: int, business_ids: Iterable[int], rows: Iterable[dict]) -> int:
    business_ids = sorted(set(business_ids))
    rows = [PersonBusiness(lao_id=lao_id, **row) for row in rows]
    PersonBusiness.objects.filter(lao_id=lao_id, business_id__in=business_ids).delete()
    PersonBusiness.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def lao_replace_all(*, lao_id: int, items: Iterable[dict], businesses: Iterable[dict]) -> tuple[int, int]:
    """The rebuild: every published row of one LAO replaced at once (the caller computed them under the lock)."""
    PersonItem.objects.filter(lao_id=lao_id).delete()
    PersonBusiness.objects.filter(lao_id=lao_id).delete()
    items = PersonItem.objects.bulk_create([PersonItem(lao_id=lao_id, **row) for row in items], batch_size=1000)
    businesses = PersonBusiness.objects.bulk_create([PersonBusiness(lao_id=lao_id, **row) for row in businesses],
                                                    batch_size=1000)
    return len(items), len(businesses)
