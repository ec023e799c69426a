"""The services whose money billing carries, by name, and which of them a LAO of each type has.

A service's name is its app's (tenant_apps.hotel_fee → "hotel_fee"): an obligation's `service`, the ledger's,
and the e-LAAS revenue code's key."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

SERVICE_LABELS = {
    "hotel_fee": _("Hotel-guest fee"),
    "petroleum_tax": _("Petroleum tax"),
    "tobacco_tax": _("Tobacco tax"),
    "advertising": _("Advertising permit fee"),
}


def service_label(service: str) -> str:
    return str(SERVICE_LABELS.get(service) or service or _("Other"))


def services_of(lao) -> list[str]:
    """The services a LAO of this type offers (its type's apps), in the order above."""
    if lao is None:
        return list(SERVICE_LABELS)
    apps = settings.TENANT_TYPES.get(lao.lao_type, {}).get("APPS", [])
    return [service for service in SERVICE_LABELS if f"tenant_apps.{service}" in apps]
