"""Keep the cached home content true: a saved or deleted profile or announcement ends it, now and on commit."""
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from .models import Announcement, LAOProfile
from .selectors import home_changed


def _changed(sender, instance, **kwargs):
    schema = connection.schema_name
    home_changed(schema)  # for this transaction's own reads
    transaction.on_commit(lambda: home_changed(schema))  # for everyone's, once the rows are there


def connect():
    for model in (LAOProfile, Announcement):
        post_save.connect(_changed, sender=model, dispatch_uid=f"lao-home-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"lao-home-{model.__name__}-delete")
