from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from .models import Business, BusinessApiKey
from .services import is_filer


def business_not_found() -> NotFound:
    """The one answer for a business id that does not exist and for one the caller does not act for, so
    nobody can tell which ids exist (or count the businesses) by trying them."""
    return NotFound()


def business_from_view(view) -> Business:
    if not hasattr(view, "_business"):
        business = Business.objects.filter(pk=view.kwargs["business_id"]).first()
        if business is None:
            raise business_not_found()
        view._business = business
    return view._business


class ActsForBusiness(BasePermission):
    """A filer the business authorised (signed in), or the business's own API key — for this business only.

    Nothing is looked up for an anonymous caller (401 whatever the id); a signed-in person or a key that does
    not act for the business hears the same 404 as for an id that does not exist."""

    message = _("You are not authorised to act for this business.")

    def has_permission(self, request, view):
        key = request.auth if isinstance(request.auth, BusinessApiKey) else None
        if key is None and not (request.user and request.user.is_authenticated):
            return False
        business = business_from_view(view)
        if key is not None:
            if key.business_id != business.pk:
                raise business_not_found()
            return getattr(view, "api_key_allowed", True)
        if not is_filer(request.user, business):
            raise business_not_found()
        return True
