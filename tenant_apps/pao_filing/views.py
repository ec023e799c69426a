"""Pages of a PAO's site for businesses (register, file, correct) and officers (review, overdue, rates)."""
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.listing import build_listing, export_listing, list_page
from shared_apps.text import TextField

from tenant_apps.advertising.forms import BuddhistDateField  # dates typed and shown in the Buddhist era
from tenant_apps.businesses.models import Business, BusinessFiler, BusinessKind, OwnerType, TradeMode
from tenant_apps.businesses.services import (api_key_issue, api_key_revoke, business_decide, business_register,
                                             filer_add, is_filer)
from tenant_apps.hotel_fee.guest_list import MAX_BYTES as MAX_GUEST_LIST_BYTES
from tenant_apps.hotel_fee.guest_list import decode_guest_csv
from tenant_apps.officers.access import Action
from tenant_apps.officers.decorators import officer_required
from tenant_apps.ordinances.models import Product, Revenue
from tenant_apps.ordinances.services import filing_rule_record, ordinance_rate_record

from .models import ReturnKind
from .periods import month_start, parse_period
from . import lists
from .selectors import returns_of
from .services import (SPECS, check_assessed_tax, figures_digest, return_file, return_file_additional,
                       return_preview, return_review, spec_for)

MAX_ROOMS = 10_000  # the largest hotels in the world have about 7,000 rooms
FUEL_CHOICES = [(p.value, p.label) for p in (Product.PETROL, Product.DIESEL, Product.VEHICLE_GAS)]
TOBACCO_CHOICES = [(p.value, p.label) for p in (Product.CIGARETTE, Product.CIGAR)]


def _messages(error) -> list[str]:
    return getattr(error, "messages", None) or [str(error)]


def _my_business(request, business_id) -> Business:
    """The business, if the signed-in person files for it; otherwise the same 404 as for an id that does not
    exist, so nobody learns which ids exist by trying them."""
    business = Business.objects.filter(pk=business_id).first()
    if business is None or not is_filer(request.user, business):
        raise Http404
    return business


def _recent_months(business: Business, count: int = 12) -> list[datetime.date]:
    month = month_start(timezone.localdate())
    months = []
    for _i in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        if month >= month_start(business.operating_since):
            months.append(month)
    return months


@login_required
def my_businesses(request):
    mine = BusinessFiler.objects.filter(business=OuterRef("pk"), user_id=request.user.pk, revoked_at__isnull=True)
    return render(request, "pao_filing/my_businesses.html", {"businesses": Business.objects.filter(Exists(mine))})


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of business"), choices=BusinessKind.choices)
    name = TextField(label=gettext_lazy("Business name"), max_length=200)
    address = TextField(label=gettext_lazy("Address"), widget=forms.Textarea(attrs={"rows": 3}), multiline=True,
                        max_length=1000)
    owner_type = forms.ChoiceField(label=gettext_lazy("Owner"), choices=OwnerType.choices, initial="person")
    owner_id_number = TextField(label=gettext_lazy("Owner's national ID or the company's tax ID"), max_length=17)
    owner_name = TextField(label=gettext_lazy("Owner's name"), max_length=200)
    operating_since = BuddhistDateField(label=gettext_lazy("Operating since"))
    licence_number = TextField(label=gettext_lazy("Licence number (hotel or energy department)"),
                               required=False, max_length=100)
    rooms = forms.IntegerField(label=gettext_lazy("Rooms (hotels)"), required=False, min_value=1, max_value=MAX_ROOMS)
    fuel_kinds = forms.MultipleChoiceField(label=gettext_lazy("Fuels sold (fuel trading places)"), required=False,
                                           choices=FUEL_CHOICES, widget=forms.CheckboxSelectMultiple)
    trade_mode = forms.ChoiceField(label=gettext_lazy("Trade (fuel trading places)"), required=False,
                                   choices=[("", "–")] + TradeMode.choices)
    authorised = forms.BooleanField(label=gettext_lazy("For a company: it has authorised me to act for it"),
                                    required=False)


@login_required
def business_register_page(request):
    form = RegisterForm(request.POST or None, initial={"owner_id_number": request.user.national_id or "",
                                                       "owner_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            business = business_register(actor=request.user, request=request, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            for message in _messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Registered. The PAO will check it; you can file once it is approved."))
            return redirect("pao:business", business_id=business.pk)
    return render(request, "pao_filing/register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def business_page(request, business_id):
    business = _my_business(request, business_id)
    new_key = None
    if request.method == "POST":
        try:
            if request.POST.get("operation") == "issue_key":
                name = TextField(required=False, max_length=100).clean(request.POST.get("name", ""))
                _key, new_key = api_key_issue(business=business, name=name, actor=request.user, request=request)
            elif request.POST.get("operation") == "revoke_key":
                key_id = request.POST.get("key", "")
                key = get_object_or_404(business.api_keys, pk=int(key_id) if key_id.isascii() and key_id.isdigit()
                                        and len(key_id) < 19 else None)  # an id, or nothing (404)
                if request.POST.get("confirmed") != "1":  # irreversible: asked on a page (the site runs no inline script)
                    return render(request, "pao_filing/confirm_revoke_key.html", {"business": business, "key": key})
                api_key_revoke(key=key, actor=request.user, request=request)
                messages.success(request, _("Key revoked."))
            elif request.POST.get("operation") == "add_filer":
                filer_add(business=business, national_id=request.POST.get("national_id", "").strip(),
                          actor=request.user, request=request)
                messages.success(request, _("Authorised."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages(error)))
    filed = {ret.period: ret for ret in returns_of(business).filter(kind=ReturnKind.ORIGINAL)}
    from tenant_apps.billing.selectors import payment_links

    source = f"{SPECS[business.kind].revenue}.return"  # one obligation per month: what is left of it, or paid
    return render(request, "pao_filing/business.html", {
        "business": business, "returns": returns_of(business), "new_key": new_key,
        "keys": business.api_keys.all(), "events": business.events.all()[:20],
        "months": [(month, filed.get(month), payment_links(source=source, source_id=filed[month].pk)
                    if month in filed else None) for month in _recent_months(business)],
    })


def _draft_key(business: Business, original) -> str:
    """Where the form keeps, between its steps, what must not travel through the browser: the guest list
    uploaded and the digest of the figures last previewed."""
    return f"pao_filing.draft.{business.pk}.{original.pk if original else 'new'}"


def _guest_list(request, draft: dict) -> str | None:
    """The guest list of this form: a new upload replaces the one kept server-side; none if the filer
    chose to forget it. It is read again (never trusted from a previous step) every time it is used."""
    upload = request.FILES.get("guest_list")
    if upload is not None:
        draft.pop("guest_csv", None)
        if upload.size > MAX_GUEST_LIST_BYTES:
            raise ValidationError({"guest_list": _("The guest list is larger than 5 MB.")})
        try:
            text = decode_guest_csv(upload.read())
        except ValidationError as error:
            raise ValidationError({"guest_list": error.messages}) from None
        draft.update(guest_csv=text, guest_list_name=upload.name[:100])
    elif request.POST.get("forget_guest_list"):
        draft.pop("guest_csv", None)
    return draft.get("guest_csv")


def _declared(request, business, draft: dict) -> dict:
    """What the filer typed (or uploaded) on the return form, as the spec reads it."""
    if request.POST.get("nil"):
        return {"nil": True}
    if business.kind == BusinessKind.HOTEL:
        guest_csv = _guest_list(request, draft)
        if guest_csv is not None:
            return {"guest_csv": guest_csv}
        return {"room_rent_total": request.POST.get("room_rent_total", ""),
                "nights_total": request.POST.get("nights_total", "") or "0"}
    products = [value for value, _label in (FUEL_CHOICES if business.kind == BusinessKind.FUEL else TOBACCO_CHOICES)
                if business.kind != BusinessKind.FUEL or value in business.fuel_kinds]
    lines = []
    for product in products:
        if business.kind == BusinessKind.FUEL:
            values = {name: request.POST.get(f"{product}_{name}", "").strip()
                      for name in ("opening", "received", "sold", "closing")}
            if any(values.values()):
                lines.append({"product": product, **values})
        elif request.POST.get(f"{product}_quantity", "").strip():
            lines.append({"product": product, "quantity": request.POST.get(f"{product}_quantity")})
    return {"lines": lines}


def _input(name: str, label: str, post, field_errors: dict, *, inputmode: str = "decimal") -> dict:
    return {"name": name, "id": f"f-{name}", "label": label, "value": post.get(name, ""), "inputmode": inputmode,
            "errors": field_errors.get(name, [])}


def _inputs(business: Business, post, field_errors: dict) -> dict:
    """The figures the form asks for, each with what was typed and its messages (the field marked)."""
    if business.kind == BusinessKind.HOTEL:
        return {"hotel": [_input("room_rent_total", _("Room rent (baht)"), post, field_errors),
                          _input("nights_total", _("Room nights"), post, field_errors, inputmode="numeric")]}
    if business.kind == BusinessKind.FUEL:
        columns = [("opening", _("Opening stock")), ("received", _("Received")), ("sold", _("Sold in the province")),
                   ("closing", _("Closing stock"))]
        return {"fuel": [{"label": label, "fields": [{**_input(f"{value}_{name}", f"{label} {heading}", post,
                                                               field_errors), "heading": heading}
                                                     for name, heading in columns]}
                         for value, label in FUEL_CHOICES if value in business.fuel_kinds]}
    return {"tobacco": [_input(f"{value}_quantity", label, post, field_errors, inputmode="numeric")
                        for value, label in TOBACCO_CHOICES]}


def _refusal(error) -> tuple[list[str], dict]:
    """A service's refusal as the page shows it: every message at the top, and each by its field."""
    field_errors = {}
    if hasattr(error, "error_dict"):
        field_errors = {name: [m for e in errors for m in e.messages] for name, errors in error.error_dict.items()}
    return _messages(error), field_errors


@login_required
def file_return(request, business_id, return_id=None):
    """The return form: figures → the amount due, deadline, surcharge and penalty → confirm.

    Every step computes from what the filer typed (and the guest list kept server-side); the confirm
    step files only the figures previewed, whose signed digest it carries back."""
    business = _my_business(request, business_id)
    original = get_object_or_404(spec_for(business).model, pk=return_id, business=business) if return_id else None
    key = _draft_key(business, original)
    context = {"business": business, "original": original, "months": _recent_months(business), "post": request.POST}
    field_errors = {}
    if request.method != "POST":
        request.session.pop(key, None)  # a fresh form forgets an earlier upload
    else:
        draft = dict(request.session.get(key) or {})
        period = data = None
        try:
            period = original.period if original else parse_period(request.POST.get("period", ""))
            context["period"] = period
            data = _declared(request, business, draft)
            if request.POST.get("step") == "confirm":
                token = request.POST.get("figures") or draft.get("figures") or ""
                if original:
                    ret = return_file_additional(original=original, data=data, actor=request.user, request=request,
                                                 figures=token)
                else:
                    ret = return_file(business=business, data=data, period=period, actor=request.user,
                                      request=request, figures=token)
                request.session.pop(key, None)
                messages.success(request, _("Filed. Amount due: %(amount)s baht.") % {"amount": f"{ret.amount_due:,.2f}"})
                return redirect("pao:return", business_id=business.pk, return_id=ret.pk)
            _preview(context, draft, business=business, data=data, period=period, original=original)
        except (ValidationError, PermissionDenied, ValueError) as error:
            context["errors"], field_errors = _refusal(error)
            draft.pop("figures", None)  # nothing shown now can be submitted
            if getattr(error, "code", None) == "already_filed":
                context["already_filed"] = error.params["original"]
            if getattr(error, "code", None) == "figures_changed":  # show the new figures instead
                context["figures_changed"] = error.params
                try:
                    _preview(context, draft, business=business, data=data, period=period, original=original)
                except (ValidationError, PermissionDenied, ValueError):
                    pass
        context["guest_list_name"] = draft.get("guest_list_name") if draft.get("guest_csv") else None
        request.session[key] = draft
    context["inputs"] = _inputs(business, request.POST, field_errors)
    context["field_errors"] = field_errors
    status = 400 if context.get("errors") else 200
    return render(request, "pao_filing/file_return.html", context, status=status)


def _preview(context: dict, draft: dict, *, business, data, period, original) -> None:
    assessment = return_preview(business=business, data=data, period=period, original=original)
    context["assessment"] = assessment
    context["figures"] = draft["figures"] = figures_digest(business=business, assessment=assessment,
                                                           original=original)


def _declared_lines(kind: str, ret) -> list[dict]:
    """The return's lines as people read them: the product's name, never its code."""
    if kind == BusinessKind.HOTEL:
        return []  # the totals say it; a guest list may run to thousands of lines
    return [{"product": Product(line.product).label if line.product in Product.values else line.product,
             "line": line} for line in SPECS[kind].lines_of(ret)]


@login_required
def return_page(request, business_id, return_id):
    business = _my_business(request, business_id)
    ret = get_object_or_404(spec_for(business).model, pk=return_id, business=business)
    from tenant_apps.billing.selectors import payment_links

    return render(request, "pao_filing/return.html", {
        "business": business, "ret": ret, "lines": _declared_lines(business.kind, ret),
        # One obligation per month: an additional return's page shows the month's balance.
        "pay": payment_links(source=f"{SPECS[business.kind].revenue}.return", source_id=ret.original_id or ret.pk)})


@login_required
def acknowledgement_pdf(request, business_id, return_id):
    """ใบรับแบบ: the filing acknowledgement signed by the PAO when the return was filed (the stored file)."""
    from django.http import HttpResponse

    from shared_apps.documents.issuing import stored_bytes

    business = _my_business(request, business_id)
    ret = get_object_or_404(spec_for(business).model, pk=return_id, business=business)
    revenue = SPECS[business.kind].revenue
    response = HttpResponse(stored_bytes("acknowledgement", f"{revenue}-{ret.pk}", lao=request.tenant),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="acknowledgement-{revenue}-{ret.pk}.pdf"'
    return response


# --- officers ---------------------------------------------------------------------------------------

def _crumbs(request) -> list:
    """The page's trail (officer home › … › the page), as the header menu knows it."""
    from tenant_apps.officers.navigation import breadcrumbs_for

    return breadcrumbs_for(request.resolver_match.view_name, request.lao_access)


@officer_required(Action.REVIEW_BUSINESSES)
def registration_queue(request):
    if request.method == "POST":
        business = get_object_or_404(Business, pk=request.POST.get("business"))
        try:
            business_decide(business=business, approve=request.POST.get("decision") == "approve",
                            note=request.POST.get("note", ""), actor=request.user, request=request)
            messages.success(request, _("Saved."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages(error)))
        return redirect(request.get_full_path())  # back to the list as it was filtered
    listing = build_listing(request, lists.REGISTRATIONS, lists.registrations())
    if listing.export:
        return export_listing(listing)
    fuels = dict(FUEL_CHOICES)
    for business in listing.page:  # what the officer checks against the licence, in words
        business.fuel_labels = [str(fuels.get(kind, kind)) for kind in business.fuel_kinds]
    return render(request, "pao_filing/registrations.html", {
        "listing": listing, "can_reveal": request.lao_access.allows(Action.REVEAL_NATIONAL_ID),
        "breadcrumbs": _crumbs(request)}, status=400 if listing.errors else 200)


@officer_required(Action.VIEW_RETURNS)
def review_queue_page(request):
    return list_page(request, lists.RETURNS, lists.returns, "pao_filing/queue.html", {
        "can_reveal": request.lao_access.allows(Action.REVEAL_NATIONAL_ID),
        "breadcrumbs": _crumbs(request)})


@officer_required(Action.VIEW_RETURNS)
def review_page(request, kind, return_id):
    if kind not in SPECS:
        raise PermissionDenied
    ret = get_object_or_404(SPECS[kind].model.objects.select_related("business"), pk=return_id)
    context = {"ret": ret, "kind": kind, "business": ret.business, "lines": _declared_lines(kind, ret),
               "post": request.POST, "field_errors": {}}
    if request.method == "POST":
        try:
            decision, tax_amount = request.POST.get("decision", ""), request.POST.get("tax_amount", "")
            if decision == "assess":
                check_assessed_tax(tax_amount, ret=ret)
            return_review(ret=ret, decision=decision, reason=request.POST.get("reason", ""),
                          tax_amount=tax_amount, actor=request.user, request=request)
            messages.success(request, _("Saved."))
            return redirect("pao:queue")
        except (ValidationError, PermissionDenied) as error:
            context["errors"], context["field_errors"] = _refusal(error)
    return render(request, "pao_filing/review.html", context, status=400 if context.get("errors") else 200)


@officer_required(Action.VIEW_RETURNS)
def overdue_page(request):
    """Every registered business with every month it has not filed once the month's deadline passed."""
    return list_page(request, lists.OVERDUE, lists.overdue(today=timezone.localdate()), "pao_filing/overdue.html", {
        "can_reveal": request.lao_access.allows(Action.REVEAL_NATIONAL_ID),
        "breadcrumbs": _crumbs(request)})


@officer_required(Action.MANAGE_ORDINANCES)
def ordinance_settings_page(request):
    posted = request.POST.get("form") if request.method == "POST" else None
    rule_fields = [  # name, id, label, default
        ("deadline_day", "day", _("Due by day of the following month"), "10"),
        # xgettext:no-python-format
        ("surcharge_percent_per_month", "sur", _("Surcharge, % per month or part of a month"), "0"),
        # xgettext:no-python-format
        ("surcharge_cap_percent", "cap", _("Surcharge cap, % (optional)"), ""),
        # xgettext:no-python-format
        ("penalty_percent", "pen", _("Penalty for late filing, %"), "0"),
    ]
    context = {"post": request.POST, "field_errors": {}, "rate_form": posted == "rate", "rule_form": posted == "rule",
               "rule_fields": rule_fields}
    if request.method == "POST":
        try:
            if request.POST.get("form") == "reminders":
                from tenant_apps.lao_profile.services import return_reminder_days_set

                return_reminder_days_set(actor=request.user, value=request.POST.get("return_reminder_days", ""),
                                         request=request)
            elif request.POST.get("form") == "rate":
                ordinance_rate_record(product=request.POST.get("product", ""), rate=request.POST.get("rate", ""),
                                      effective_from=request.POST.get("effective_from", ""),
                                      ordinance=request.POST.get("ordinance", ""), actor=request.user)
            else:
                filing_rule_record(
                    revenue=request.POST.get("revenue", ""), deadline_day=request.POST.get("deadline_day", ""),
                    moves_to_working_day=bool(request.POST.get("moves_to_working_day")),
                    surcharge_percent_per_month=request.POST.get("surcharge_percent_per_month") or "0",
                    surcharge_cap_percent=request.POST.get("surcharge_cap_percent") or None,
                    penalty_percent=request.POST.get("penalty_percent") or "0",
                    effective_from=request.POST.get("effective_from", ""),
                    ordinance=request.POST.get("ordinance", ""), actor=request.user)
            messages.success(request, _("Saved."))
            return redirect("pao:ordinance-settings")
        except ValidationError as error:
            context["errors"], context["field_errors"] = _refusal(error)
    from tenant_apps.lao_profile.models import LAOProfile, default_reminder_days
    from tenant_apps.ordinances.models import FilingRule, OrdinanceRate

    profile = LAOProfile.objects.filter(pk=1).first()
    reminder_days = profile.return_reminder_days if profile else default_reminder_days()
    context["reminders_form"] = posted == "reminders"
    return render(request, "pao_filing/ordinance_settings.html", {
        **context, "reminder_days": ", ".join(str(d) for d in reminder_days),
        "rates": OrdinanceRate.objects.all(), "rules": FilingRule.objects.all(),
        "products": Product.choices, "revenues": Revenue.choices})
