from .models import NotificationPreference


def preference_for(user) -> NotificationPreference:
    """The person's choice, or the default (Thai, e-mail, nothing muted, no verified address) unsaved."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user, email=getattr(user, "email", "") or "")
