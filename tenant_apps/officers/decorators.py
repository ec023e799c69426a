"""Guarding officer pages: signed in, second factor done, and the role the action needs."""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from .access import ACTION_LABELS, request_access, second_factor_done


def officer_required(action: str):
    """Officer pages: refused with a page that says what is missing (sign-in, second factor or role)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = request_access(request)
            reason = None
            if not second_factor_done(request):
                reason = "second_factor"
            elif not access.allows(action):
                reason = "role"
            if reason:
                return render(request, "officers/denied.html", {
                    "reason": reason, "action_label": ACTION_LABELS[action], "access": access,
                    "needed": access.missing_for(action),
                }, status=403)
            request.lao_access = access
            return view(request, *args, **kwargs)

        wrapper.officer_action = action  # lets the tests find every officer page
        return wrapper

    return decorate
