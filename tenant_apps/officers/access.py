"""Who may do what in the current LAO: roles from this LAO's schema, plus DLA's staff roles.

One map says which roles each action needs; views, API endpoints and services
all ask `require()` / `LAOAccess.allows()`, so the rule lives here once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Officer, Role

OBSERVER = "observer"  # provincial office staff (สถจ.): may read, never act


class Action:
    """Actions on the officer side of a LAO, each with the roles that may take it."""

    MANAGE_OFFICERS = "manage_officers"
    VIEW_OFFICERS = "view_officers"
    VIEW_AUDIT = "view_audit"
    # PAO revenues
    REVIEW_BUSINESSES = "review_businesses"
    REVIEW_RETURNS = "review_returns"
    ASSESS_RETURNS = "assess_returns"
    VIEW_RETURNS = "view_returns"
    MANAGE_ORDINANCES = "manage_ordinances"
    # money
    RECORD_PAYMENTS = "record_payments"
    MANAGE_PAYMENT_SETTINGS = "manage_payment_settings"
    # advertising permits
    GIVE_OPINION = "give_opinion"
    SIGN_ORDERS = "sign_orders"
    VIEW_APPLICATIONS = "view_applications"
    CHECK_REMOVAL = "check_removal"
    MANAGE_ADVERTISING_POLICY = "manage_advertising_policy"
    # the officer's workplace (issue 12)
    VIEW_MONEY = "view_money"  # collections, compliance and aged balances at a glance
    VIEW_FINANCE_REGISTERS = "view_finance_registers"  # daily summary, receipt register, receivables
    SIGN_DAILY_SUMMARY = "sign_daily_summary"  # รายงานสรุปการรับเงินประจำวัน: the finance officer signs it off
    EXPORT_ELAAS = "export_elaas"  # receipts for DLA's accounting system e-LAAS
    MANAGE_REVENUE_CODES = "manage_revenue_codes"  # this LAO's e-LAAS revenue classification
    REVEAL_NATIONAL_ID = "reveal_national_id"  # the full ID behind a masked one, audited
    OPEN_WORKPLACE = "open_workplace"  # the officer home, "my account" here and the officer's guide


ACTION_ROLES: dict[str, frozenset[str]] = {
    Action.MANAGE_OFFICERS: frozenset({Role.LAO_ADMIN}),
    Action.VIEW_OFFICERS: frozenset({Role.LAO_ADMIN, OBSERVER}),
    Action.VIEW_AUDIT: frozenset({Role.CLERK, Role.FINANCE, Role.APPROVER, Role.LAO_ADMIN, OBSERVER}),
    Action.REVIEW_BUSINESSES: frozenset({Role.CLERK, Role.LAO_ADMIN}),
    Action.REVIEW_RETURNS: frozenset({Role.CLERK, Role.APPROVER, Role.LAO_ADMIN}),
    Action.ASSESS_RETURNS: frozenset({Role.APPROVER}),  # an assessment (ประเมิน) is an order
    Action.VIEW_RETURNS: frozenset({Role.CLERK, Role.FINANCE, Role.APPROVER, Role.LAO_ADMIN, OBSERVER}),
    Action.MANAGE_ORDINANCES: frozenset({Role.LAO_ADMIN, Role.FINANCE}),
    Action.RECORD_PAYMENTS: frozenset({Role.FINANCE}),
    Action.MANAGE_PAYMENT_SETTINGS: frozenset({Role.LAO_ADMIN, Role.FINANCE}),
    Action.GIVE_OPINION: frozenset({Role.CLERK}),
    Action.SIGN_ORDERS: frozenset({Role.APPROVER}),
    Action.VIEW_APPLICATIONS: frozenset({Role.CLERK, Role.FINANCE, Role.APPROVER, Role.LAO_ADMIN, OBSERVER}),
    Action.CHECK_REMOVAL: frozenset({Role.CLERK}),
    Action.MANAGE_ADVERTISING_POLICY: frozenset({Role.LAO_ADMIN}),
    Action.VIEW_MONEY: frozenset({Role.FINANCE, Role.APPROVER, Role.LAO_ADMIN, OBSERVER}),
    Action.VIEW_FINANCE_REGISTERS: frozenset({Role.FINANCE, Role.LAO_ADMIN, OBSERVER}),
    Action.SIGN_DAILY_SUMMARY: frozenset({Role.FINANCE}),
    Action.EXPORT_ELAAS: frozenset({Role.FINANCE}),
    Action.MANAGE_REVENUE_CODES: frozenset({Role.FINANCE, Role.LAO_ADMIN}),
    Action.REVEAL_NATIONAL_ID: frozenset({Role.CLERK, Role.FINANCE, Role.APPROVER, Role.LAO_ADMIN}),
    Action.OPEN_WORKPLACE: frozenset({Role.CLERK, Role.FINANCE, Role.APPROVER, Role.LAO_ADMIN, OBSERVER}),
}
ACTION_LABELS = {
    Action.MANAGE_OFFICERS: gettext_lazy("manage officers and their roles"),
    Action.VIEW_OFFICERS: gettext_lazy("see the officers of this LAO"),
    Action.VIEW_AUDIT: gettext_lazy("read this LAO's audit trail"),
    Action.REVIEW_BUSINESSES: gettext_lazy("approve or refuse business registrations"),
    Action.REVIEW_RETURNS: gettext_lazy("review monthly returns"),
    Action.ASSESS_RETURNS: gettext_lazy("assess another amount for a return"),
    Action.VIEW_RETURNS: gettext_lazy("see returns and businesses that have not filed"),
    Action.MANAGE_ORDINANCES: gettext_lazy("record ordinance rates and filing rules"),
    Action.RECORD_PAYMENTS: gettext_lazy("record payments taken at the counter"),
    Action.MANAGE_PAYMENT_SETTINGS: gettext_lazy("set how this LAO is paid through the bank"),
    Action.GIVE_OPINION: gettext_lazy("give the officer's opinion on an application"),
    Action.SIGN_ORDERS: gettext_lazy("sign the local official's order"),
    Action.VIEW_APPLICATIONS: gettext_lazy("see the applications made to this LAO"),
    Action.CHECK_REMOVAL: gettext_lazy("confirm that notices were removed"),
    Action.MANAGE_ADVERTISING_POLICY: gettext_lazy("set this LAO's advertising conditions"),
    Action.VIEW_MONEY: gettext_lazy("see this LAO's collections and balances at a glance"),
    Action.VIEW_FINANCE_REGISTERS: gettext_lazy("read the daily summary, the receipt register and the receivables"),
    Action.SIGN_DAILY_SUMMARY: gettext_lazy("sign off the daily summary of money received"),
    Action.EXPORT_ELAAS: gettext_lazy("export receipts for e-LAAS"),
    Action.MANAGE_REVENUE_CODES: gettext_lazy("set this LAO's e-LAAS revenue codes"),
    Action.REVEAL_NATIONAL_ID: gettext_lazy("see a person's full national ID"),
    Action.OPEN_WORKPLACE: gettext_lazy("open the officer home of this LAO"),
}
ROLE_LABELS = {**{role.value: role.label for role in Role},
               OBSERVER: gettext_lazy("Provincial office (read-only)")}


@dataclass
class LAOAccess:
    user: object = None
    officer: Officer | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    def allows(self, action: str) -> bool:
        return bool(self.roles & ACTION_ROLES[action])

    def missing_for(self, action: str) -> list[str]:
        return [str(ROLE_LABELS[role]) for role in sorted(ACTION_ROLES[action])]

    def role_labels(self) -> list[str]:
        return [str(ROLE_LABELS[role]) for role in sorted(self.roles)]


def access_for(user) -> LAOAccess:
    """The roles `user` holds in the LAO whose schema is in use."""
    from tenants.selectors import current_lao

    if user is None or not user.is_authenticated or not user.is_active:
        return LAOAccess(user=user)
    lao = current_lao()
    if lao is None:
        return LAOAccess(user=user)
    officer = Officer.objects.filter(user_id=user.pk, is_active=True).first()
    roles = set(officer.roles) if officer else set()
    for kind, province_id in user.staff_roles.values_list("kind", "province_id"):
        if kind == "dla_administrator":
            roles.add(Role.LAO_ADMIN)  # DLA may act as any LAO's administrator
        elif kind == "provincial_office" and province_id == lao.province_id:
            roles.add(OBSERVER)
    return LAOAccess(user=user, officer=officer, roles=frozenset(roles))


def require(user, action: str) -> LAOAccess:
    """For services: refuse unless `user` may take `action` in the current LAO."""
    access = access_for(user)
    if not access.allows(action):
        raise PermissionDenied(
            _("This needs one of these roles in this LAO: %(roles)s.") % {"roles": ", ".join(access.missing_for(action))}
        )
    return access


def request_access(request) -> LAOAccess:
    """access_for(request.user), computed once per request."""
    if not hasattr(request, "_lao_access"):
        request._lao_access = access_for(getattr(request, "user", None))
    return request._lao_access


def second_factor_done(request) -> bool:
    from shared_apps.accounts.services import has_second_factor

    return has_second_factor(request)
