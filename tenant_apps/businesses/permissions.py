from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .models import Business, BusinessApiKey
from .services import is_filer


def business_from_view(view) -> Business:
    if not hasattr(view, "_business"):
        view._business = get_object_or_404(Business, pk=view.kwargs["business_id"])
    return view._business


class ActsForBusiness(BasePermission):
    """A filer the business authorised (signed in), or the business's own API key — for this business only."""

    message = _("You are not authorised to act for this business.")

    def has_permission(self, request, view):
        business = business_from_view(view)
        if isinstance(request.auth, BusinessApiKey):
            return request.auth.business_id == business.pk and getattr(view, "api_key_allowed", True)
        return is_filer(request.user, business)
