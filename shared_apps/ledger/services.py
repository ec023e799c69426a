import datetime
from decimal import Decimal

from django.db import connection

from .models import RevenueDaily


def revenue_add(*, lao_id: int, service: str, day: datetime.date, amount: Decimal, payments: int) -> None:
    """Add to a LAO's daily sum in one statement (concurrent postings add up, none is lost)."""
    table = RevenueDaily._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO public."{table}" (lao_id, service, day, amount, payments) VALUES (%s, %s, %s, %s, %s) '
            f"ON CONFLICT (lao_id, service, day) DO UPDATE SET amount = {table}.amount + EXCLUDED.amount, "
            f"payments = {table}.payments + EXCLUDED.payments",
            [lao_id, service, day, amount, payments],
        )
