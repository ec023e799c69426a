"""Re-seal every onboarded LAO's payment secrets with the first of FIELD_ENCRYPTION_KEYS.

Rotating the key: put the new key first in FIELD_ENCRYPTION_KEYS (the old one stays after it), restart,
run this command, then drop the old key. Nothing a bank sends or an officer sees changes.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record
from shared_apps.sealing import SealingError
from tenant_apps.billing.models import PaymentSettings
from tenants.models import LAO, LAOStatus


def reseal_payment_settings() -> list[str]:
    """In the current LAO's schema: the secrets that were re-sealed (read with any key, written with the first)."""
    with transaction.atomic():
        settings = PaymentSettings.objects.select_for_update().filter(pk=1).first()
        if settings is None:
            return []
        values = {name: getattr(settings, name) for name in PaymentSettings.SECRETS if getattr(settings, name)}
        if values:
            # update() seals again (SealedTextField.get_prep_value) and leaves updated_at and the "set on" alone.
            PaymentSettings.objects.filter(pk=1).update(**values)
            audit_record(action=AuditEvent.Action.PAYMENT_SETTINGS_CHANGED, actor=None, target="payment settings",
                         fields=sorted(values), resealed=True)
        return sorted(values)


class Command(BaseCommand):
    help = "Re-encrypt every onboarded LAO's payment secrets with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        failed = []
        resealed = 0
        for lao in LAO.objects.filter(status__in=[LAOStatus.ACTIVE, LAOStatus.SUSPENDED]).order_by("dla_code"):
            with schema_context(lao.schema_name):
                try:
                    names = reseal_payment_settings()
                except SealingError as error:
                    failed.append(lao.dla_code)
                    self.stderr.write(f"{lao.dla_code} {lao.schema_name}: {error}")
                    continue
            if names:
                resealed += 1
                self.stdout.write(f"{lao.dla_code} {lao.schema_name}: {', '.join(names)}")
        self.stdout.write(f"{resealed} LAO(s) re-sealed with the first key.")
        if failed:
            raise CommandError(f"Not re-sealed (no key opens them): {', '.join(failed)}. Keep the old key listed.")
