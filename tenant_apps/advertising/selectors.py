from .models import AdvertisingPolicy


def policy_get() -> AdvertisingPolicy:
    return AdvertisingPolicy.objects.filter(pk=1).first() or AdvertisingPolicy(pk=1)
