import datetime
from decimal import Decimal

from django.db import connection, transaction

from .models import RevenueDaily


def revenue_add(*, lao_id: int, service: str, day: datetime.date, amount: Decimal, payments: int,
                channel: str | None = None) -> None:
    """Add to a LAO's daily sum in one statement (concurrent postings add up, none is lost).

    With `channel` (counter, bank, statement, set_off) the same delta also goes to the oversight figures by
    channel and their monthly roll-up (shared_apps.oversight), in the same transaction as RevenueDaily's."""
    from shared_apps.oversight.services import figures_lock, revenue_add_rows

    table = RevenueDaily._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        figures_lock(lao_id=lao_id, kind="revenue", shared=True)  # first: a rebuild of this LAO's figures waits
        cursor.execute(
            f'INSERT INTO public."{table}" (lao_id, service, day, amount, payments) VALUES (%s, %s, %s, %s, %s) '
            f"ON CONFLICT (lao_id, service, day) DO UPDATE SET amount = {table}.amount + EXCLUDED.amount, "
            f"payments = {table}.payments + EXCLUDED.payments",
            [lao_id, service, day, amount, payments],
        )
        if channel is not None:
            revenue_add_rows(lao_id=lao_id, rows=[(service, channel, day, amount, payments)])
