"""Who may open DLA's console, and how much of the country they see.

- A DLA administrator (StaffRole dla_administrator, or a superuser) sees every province and may act:
  onboard, suspend and reinstate, change a subdomain, grant and revoke staff roles.
- Provincial office staff (StaffRole provincial_office) see the same pages limited to their province(s),
  read-only.
- Anyone else (a LAO officer, a citizen) sees none of it: a page that says so (403), or the sign-in page
  when not signed in. Console work needs a second factor (an authenticator code or DOPA Digital ID).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse

from shared_apps.accounts.models import StaffRole


@dataclass(frozen=True)
class ConsoleAccess:
    national: bool = False  # a DLA administrator: the whole country, and may act
    provinces: frozenset[str] = field(default_factory=frozenset)  # a provincial office's province codes

    @property
    def allowed(self) -> bool:
        return self.national or bool(self.provinces)

    @property
    def can_act(self) -> bool:
        return self.national

    def sees_province(self, code: str | None) -> bool:
        return self.national or (code in self.provinces)

    def laos(self, queryset: QuerySet) -> QuerySet:
        """The LAOs of `queryset` this person may see."""
        return queryset if self.national else queryset.filter(province_id__in=self.provinces)

    def provinces_filter(self, queryset: QuerySet, field_name: str = "province_id") -> QuerySet:
        return queryset if self.national else queryset.filter(**{f"{field_name}__in": self.provinces})


NO_ACCESS = ConsoleAccess()


def console_access(user) -> ConsoleAccess:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    national = bool(user.is_superuser)
    provinces = set()
    for kind, province_id in StaffRole.objects.filter(user_id=user.pk).values_list("kind", "province_id"):
        if kind == StaffRole.Kind.DLA_ADMINISTRATOR:
            national = True
        elif kind == StaffRole.Kind.PROVINCIAL_OFFICE and province_id:
            provinces.add(province_id)
    return ConsoleAccess(national=national, provinces=frozenset(provinces))


def request_console_access(request) -> ConsoleAccess:
    if not hasattr(request, "_console_access"):
        request._console_access = console_access(getattr(request, "user", None))
    return request._console_access


def console_view(*, act: bool = False):
    """Guard a console view: signed in with a second factor, holding a DLA staff role (and for `act`, DLA
    administrator). The view gets `request.console`."""
    from shared_apps.accounts.services import has_second_factor

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated or not has_second_factor(request):
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
            access = request_console_access(request)
            if not access.allowed or (act and not access.can_act):
                return render(request, "console/refused.html", {"provincial": access.allowed}, status=403)
            request.console = access
            return view(request, *args, **kwargs)

        return guarded

    return decorate
