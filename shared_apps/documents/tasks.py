"""Background issuing of documents: each task runs in the LAO schema it names (platform/celery.py)."""
from celery import shared_task
from django_tenants.utils import schema_context


@shared_task
def issue_documents(schema_name: str, kind: str, pks: list[str]) -> int:
    """Render, sign and store each document not stored yet; the number newly stored."""
    from .issuing import issue

    created = 0
    with schema_context(schema_name):
        for pk in pks:
            created += issue(kind, int(pk) if str(pk).isdigit() else pk).created
    return created
