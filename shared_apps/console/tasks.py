"""The console's background work: a bulk onboarding job, on a Celery worker where a broker is configured."""
from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context


@shared_task
def run_onboarding_job(*, job_id: int) -> str:
    from .services import onboarding_job_run

    with schema_context(get_public_schema_name()):
        job = onboarding_job_run(job_id=job_id)
    return job.status if job else "missing"
