import datetime

from django.db.models import QuerySet

from .models import AdvertisingPolicy, Application, ApplicationStatus, Permit


def policy_get() -> AdvertisingPolicy:
    return AdvertisingPolicy.objects.filter(pk=1).first() or AdvertisingPolicy(pk=1)

OPEN_FOR_DECISION = [ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO, ApplicationStatus.OPINION_GIVEN]


def applications_of(user) -> QuerySet[Application]:
    return Application.objects.filter(applicant_id=user.pk).select_related("permit")


def applications_for_officers(*, status: str = "") -> QuerySet[Application]:
    applications = Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related("permit")
    return applications.filter(status=status) if status else applications


def deadline_flag(application: Application, today: datetime.date) -> str:
    """'late' past the decision deadline, 'soon' within 2 days of it, '' otherwise (or when decided)."""
    if application.status not in OPEN_FOR_DECISION or application.decision_due is None:
        return ""
    if today > application.decision_due:
        return "late"
    if (application.decision_due - today).days <= 2:
        return "soon"
    return ""


def permit_by_number(*, fiscal_year: int, number: int) -> Permit | None:
    return Permit.objects.filter(fiscal_year=fiscal_year, number=number).first()
