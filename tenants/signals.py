"""Keep the per-host tenant cache true: drop a host's entry whenever its LAO or domain changes."""
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import LAO, Domain
from .selectors import forget_hosts


def _forget_now_and_on_commit(hosts):
    hosts = list(hosts)
    forget_hosts(hosts)
    # Again after commit: a request may have cached the old row while the transaction was open.
    transaction.on_commit(lambda: forget_hosts(hosts))


@receiver(post_save, sender=LAO)
def lao_saved(sender, instance, **kwargs):
    _forget_now_and_on_commit([instance.host, *instance.domains.values_list("domain", flat=True)])


@receiver([post_save, post_delete], sender=Domain)
def domain_changed(sender, instance, **kwargs):
    _forget_now_and_on_commit([instance.domain])
