from django.db.models import QuerySet

from .models import AuditEvent


def audit_trail(*, action: str = "", limit: int | None = None) -> QuerySet[AuditEvent]:
    """The trail of the schema in use, newest first."""
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    return events[:limit] if limit else events
