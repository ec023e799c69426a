from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .access import ACTION_LABELS, request_access, second_factor_done


class LAOActionPermission(BasePermission):
    """API twin of officer_required: the view names its `officer_action`."""

    def has_permission(self, request, view):
        action = view.officer_action
        if not request.user or not request.user.is_authenticated:
            return False
        access = request_access(request)
        if not second_factor_done(request):
            self.message = _("Sign in with your authenticator code or DOPA Digital ID first.")
            return False
        if not access.allows(action):
            self.message = _("To %(action)s you need one of these roles in this LAO: %(roles)s. You have: %(have)s.") % {
                "action": ACTION_LABELS[action], "roles": ", ".join(access.missing_for(action)),
                "have": ", ".join(access.role_labels()) or _("none")}
            return False
        return True
