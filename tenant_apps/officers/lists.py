"""The officers' own lists (reads only): the officers of this LAO and its audit trail, as `ListSpec`s
(shared_apps.listing) — filtered, sorted, paged and exported like every other list."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shared_apps.audit.models import AuditEvent
from shared_apps.listing import Column, ListSpec

from .models import Officer, Role

OFFICER_STATES = [("active", _("Active")), ("deactivated", _("Deactivated"))]


def _officer_filters(queryset, cleaned):
    if cleaned.get("status") == "active":
        queryset = queryset.filter(is_active=True)
    elif cleaned.get("status") == "deactivated":
        queryset = queryset.filter(is_active=False)
    if cleaned.get("role"):
        queryset = queryset.filter(roles__contains=[cleaned["role"]])
    return queryset


def _name(officer: Officer) -> str:
    return officer.user.display_name if officer.user_id and officer.user else ""


OFFICERS = ListSpec(
    name="officers", title=_("Officers"), default_sort="name", tiebreak="id",
    columns=[
        Column("name", _("Name"), _name, sort=("user__name_th", "user__username")),
        Column("username", _("Username"), lambda o: o.user.username if o.user else "", sort=("user__username",)),
        Column("email", _("E-mail"), lambda o: o.user.email if o.user else "", sort=("user__email",)),
        Column("roles", _("Roles"), lambda o: ", ".join(str(label) for label in o.role_labels())),
        Column("dopa", _("DOPA Digital ID"), lambda o: str(_("linked")) if o.user and o.user.national_id else ""),
        Column("status", _("Status"), lambda o: str(_("Active") if o.is_active else _("Deactivated")),
               sort=("is_active",)),
        Column("since", _("Officer since"), lambda o: o.created_at, "date", ("created_at",)),
    ],
    search_text=("user__name_th", "user__name_en", "user__username", "user__email"),
    statuses=OFFICER_STATES, apply_extra=_officer_filters,
    extra_fields={"role": forms.ChoiceField(label=_("Role"), required=False,
                                            choices=[("", _("All"))] + list(Role.choices))},
    page_size=100,
)


def officers():
    return Officer.objects.select_related("user")


def _target(event) -> str:
    from shared_apps.audit.templatetags.audit_labels import audit_target

    return audit_target(event)


def _details(event) -> str:
    from shared_apps.audit.templatetags.audit_labels import audit_details

    return " · ".join(audit_details(event))


def _event_filter(queryset, cleaned):
    return queryset.filter(action=cleaned["action"]) if cleaned.get("action") else queryset


AUDIT = ListSpec(
    name="audit-trail", title=_("Audit trail"), default_sort="-when",
    columns=[
        Column("when", _("When"), lambda e: e.at, "datetime", ("at",)),
        Column("event", _("Event"), lambda e: e.get_action_display(), sort=("action",)),
        Column("who", _("Who"), lambda e: e.actor_label, sort=("actor_label",)),
        Column("about", _("About"), _target),
        Column("details", _("Details"), _details),
        Column("address", _("From"), lambda e: e.ip_address or ""),
    ],
    search_text=("actor_label", "target"), date_field="at", date_is_datetime=True,
    extra_fields={"action": forms.ChoiceField(label=_("Event"), required=False,
                                              choices=[("", _("All events"))] + list(AuditEvent.Action.choices))},
    apply_extra=_event_filter,
)


def audit_events():
    return AuditEvent.objects.all()
