"""The advertising permit queue as officers work it (reads only): every application made to this LAO with
the applicant's name, masked national ID and e-mail, its step, its period and its decision deadline."""
from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.validators import mask_national_id
from shared_apps.listing import Column, ListSpec

from .models import ApplicantType, Application, ApplicationStatus, Method
from .selectors import deadline_flag

STATUSES = [(value, label) for value, label in ApplicationStatus.choices if value != ApplicationStatus.DRAFT]
FLAGS = {"late": _("late"), "soon": _("soon")}


def applicant_name(application: Application) -> str:
    """The person applying, and the company they apply for."""
    person = application.person_name or ""
    if application.applicant_type == ApplicantType.JURISTIC and application.juristic_name:
        return f"{application.juristic_name} ({person})" if person else application.juristic_name
    return person


def _deadline(application: Application) -> str:
    flag = deadline_flag(application, timezone.localdate())
    return str(FLAGS[flag]) if flag else ""


APPLICATIONS = ListSpec(
    name="advertising-applications", title=_("Advertising applications"), default_sort="-submitted",
    columns=[
        Column("number", _("Application no."), lambda a: a.pk, "number", ("id",)),
        Column("submitted", _("Submitted on"), lambda a: a.submitted_at, "date", ("submitted_at",)),
        Column("applicant", _("Applicant"), applicant_name, sort=("person_sort",)),
        Column("national_id", _("National ID"), lambda a: mask_national_id(a.person_national_id or "")),
        Column("tax_id", _("Juristic person's tax ID"), lambda a: a.juristic_tax_id),
        Column("email", _("E-mail"), lambda a: a.person_email or ""),
        Column("method", _("Method"), lambda a: a.get_method_display(), sort=("method",)),
        Column("notices", _("Number of notices"), lambda a: a.notice_count, "number", ("notice_count",)),
        Column("start", _("From"), lambda a: a.start_date, "date", ("start_date",)),
        Column("end", _("Until"), lambda a: a.end_date, "date", ("end_date",)),
        Column("decision_due", _("Decision due by"), lambda a: a.decision_due, "date", ("decision_due",)),
        Column("flag", _("Deadline"), _deadline),
        Column("status", _("Status"), lambda a: a.get_status_display(), sort=("status",)),
        Column("fee", _("Fee"), lambda a: a.fee_amount, "money", ("fee_amount",)),
    ],
    search_text=("applicant__name_th", "applicant__name_en", "juristic_name", "message_gist"),
    search_digits=("applicant__national_id", "juristic_tax_id"), search_numbers=("pk",),
    status_field="status", statuses=STATUSES, service_field="method", services=Method.choices,
    date_field="submitted_at", date_is_datetime=True,
)


def applications():
    """Every application but drafts, with the applicant's name, ID and e-mail (the account, public schema)."""
    return (Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related("permit")
            .annotate(person_name=Coalesce(NullIf(F("applicant__name_th"), Value("")), F("applicant__username")),
                      person_national_id=F("applicant__national_id"), person_email=F("applicant__email"),
                      person_sort=Coalesce(NullIf(F("juristic_name"), Value("")), F("applicant__name_th"))))
