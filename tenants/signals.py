"""Keep every process's host map true: a LAO or a domain that changes is read again everywhere."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import LAO, Domain
from .selectors import forget_hosts


@receiver(post_save, sender=LAO)
def lao_saved(sender, instance, **kwargs):
    forget_hosts([instance.host, *instance.domains.values_list("domain", flat=True)])


@receiver([post_save, post_delete], sender=Domain)
def domain_changed(sender, instance, **kwargs):
    forget_hosts([instance.domain])
