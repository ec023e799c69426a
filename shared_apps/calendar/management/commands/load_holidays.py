"""Load one year's public holidays from a CSV of `date,name` (ISO dates), as DLA circulates them."""
import csv
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shared_apps.calendar.services import holidays_set


class Command(BaseCommand):
    help = "Replace a year's public holidays from a CSV file: date (YYYY-MM-DD),name"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("path")

    def handle(self, *args, year, path, **options):
        rows, errors = [], []
        with Path(path).open(encoding="utf-8-sig", newline="") as file:
            for number, row in enumerate(csv.reader(file), start=1):
                if not row or row[0].strip().lower() == "date":
                    continue
                try:
                    rows.append((datetime.date.fromisoformat(row[0].strip()), row[1].strip()))
                except (ValueError, IndexError):
                    errors.append(f"line {number}: expected YYYY-MM-DD,name")
        if errors:
            raise CommandError("; ".join(errors))
        try:
            count = holidays_set(year=year, holidays=rows)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{count} holidays for {year}.")
