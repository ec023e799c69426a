"""Template pieces of the officers' lists (shared_apps.listing): a masked national ID with its reveal button."""
from django import template

from shared_apps.accounts.validators import mask_national_id

register = template.Library()


@register.filter
def masked_id(value) -> str:
    """1-2345-xxxxx-xx-1 (PDPA): enough to recognise an ID, not to use it."""
    return mask_national_id(str(value or ""))


@register.inclusion_tag("lists/_national_id.html", takes_context=True)
def national_id(context, value, kind: str, pk, name: str = ""):
    """The ID masked, and for an officer whose role may see it (`can_reveal` in the page's context) a button
    that shows it in full — a POST, recorded in the audit trail."""
    return {"masked": mask_national_id(str(value or "")), "subject": f"{kind}:{pk}", "name": name,
            "can_reveal": bool(context.get("can_reveal")), "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}


@register.filter
def kind_label(value) -> str:
    """A PAO revenue's business kind in words (hotel → โรงแรม)."""
    from tenant_apps.businesses.models import BusinessKind

    return str(BusinessKind(value).label) if value in BusinessKind.values else str(value)


@register.filter
def return_kind_label(value) -> str:
    from tenant_apps.pao_filing.models import ReturnKind

    return str(ReturnKind(value).label) if value in ReturnKind.values else str(value)


@register.filter
def return_status_label(value) -> str:
    from tenant_apps.pao_filing.models import ReturnStatus

    return str(ReturnStatus(value).label) if value in ReturnStatus.values else str(value)
