"""The Celery app. With no CELERY_BROKER_URL, tasks run eagerly in the caller (development, tests)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localservice.settings")

app = Celery("localservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
