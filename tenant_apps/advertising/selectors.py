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


# --- the officer home's counts (issue 12): aggregates, a fixed number of queries whatever the rows -------------

def applications_waiting(*, today: datetime.date) -> dict:
    """Applications at each step (count and since when the oldest waits) and their decision deadlines (due within
    two days, or missed): one query, one for the oldest request for more information, and one per step for the
    oldest application's id (a link straight to it)."""
    from django.db.models import Count, Max, Min, Q

    from .models import ApplicationEvent

    S = ApplicationStatus
    open_ = Q(status__in=OPEN_FOR_DECISION, decision_due__isnull=False)
    soon = open_ & Q(decision_due__gte=today, decision_due__lte=today + datetime.timedelta(days=2))
    late = open_ & Q(decision_due__lt=today)
    figures = Application.objects.exclude(status=S.DRAFT).aggregate(
        new=Count("id", filter=Q(status=S.SUBMITTED)),
        new_oldest=Min("submitted_at", filter=Q(status=S.SUBMITTED)),
        more_info=Count("id", filter=Q(status=S.MORE_INFO)),
        opinion_given=Count("id", filter=Q(status=S.OPINION_GIVEN)),
        opinion_given_oldest=Min("opinion_at", filter=Q(status=S.OPINION_GIVEN)),
        fee_due=Count("id", filter=Q(status=S.APPROVED)),
        fee_due_oldest=Min("order_at", filter=Q(status=S.APPROVED)),
        due_soon=Count("id", filter=soon), due_soon_first=Min("decision_due", filter=soon),
        late=Count("id", filter=late), late_oldest=Min("decision_due", filter=late))
    asked = (ApplicationEvent.objects.filter(to_status=S.MORE_INFO, application__status=S.MORE_INFO)
             .values("application").annotate(last=Max("at")).aggregate(oldest=Min("last")))
    oldest_ids = {f"{key}_oldest_id": Application.objects.filter(status=status).order_by(order, "id")
                  .values_list("pk", flat=True).first()
                  for key, status, order in [("new", S.SUBMITTED, "submitted_at"), ("more_info", S.MORE_INFO, "submitted_at"),
                                             ("opinion_given", S.OPINION_GIVEN, "opinion_at"),
                                             ("fee_due", S.APPROVED, "order_at")]}
    return {**figures, "more_info_oldest": asked["oldest"], **oldest_ids}


def permits_ending(*, today: datetime.date, within_days: int = 7) -> dict:
    """Permits in force that end within `within_days`, and ended permits whose notices are not confirmed removed."""
    from django.db.models import Count, Min, Q

    ending = Q(revoked_at__isnull=True, valid_to__gte=today, valid_to__lte=today + datetime.timedelta(days=within_days))
    unremoved = Q(revoked_at__isnull=True, valid_to__lt=today, removal_confirmed_at__isnull=True)
    return Permit.objects.filter(ending | unremoved).aggregate(
        ending=Count("id", filter=ending), ending_first=Min("valid_to", filter=ending),
        not_removed=Count("id", filter=unremoved), not_removed_oldest=Min("valid_to", filter=unremoved))
