"""Every sign-in, sign-out and refused sign-in lands in the audit trail of the schema in use."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    from .middleware import bind_session_to_host

    bind_session_to_host(request)  # the session is good on this host only
    method = request.session.get("auth_method", "password") if request is not None else ""
    audit_record(action=AuditEvent.Action.SIGN_IN, request=request, actor=user, target=user.username,
                 method=method)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditEvent.Action.SIGN_OUT, request=request, actor=user, target=user.username)


@receiver(user_login_failed)
def sign_in_refused(sender, credentials, request=None, **kwargs):
    audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, request=request, actor=None,
                 target=str(credentials.get("username", ""))[:200], reason=kwargs.get("reason", "credentials"))
