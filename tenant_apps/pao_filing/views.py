"""Pages of a PAO's site for businesses (register, file, correct) and officers (review, overdue, rates)."""
import datetime
import json
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.businesses.models import Business, BusinessFiler, BusinessKind, BusinessStatus, OwnerType, TradeMode
from tenant_apps.businesses.services import (api_key_issue, api_key_revoke, business_decide, business_register,
                                             filer_add, is_filer)
from tenant_apps.hotel_fee.guest_list import read_guest_csv
from tenant_apps.officers.access import Action
from tenant_apps.officers.decorators import officer_required
from tenant_apps.ordinances.models import Product, Revenue
from tenant_apps.ordinances.services import filing_rule_record, ordinance_rate_record

from .models import ReturnKind
from .periods import month_start, parse_period
from .selectors import overdue_businesses, returns_of, review_queue
from .services import SPECS, return_file, return_file_additional, return_preview, return_review, spec_for

FUEL_CHOICES = [(p.value, p.label) for p in (Product.PETROL, Product.DIESEL, Product.VEHICLE_GAS)]
TOBACCO_CHOICES = [(p.value, p.label) for p in (Product.CIGARETTE, Product.CIGAR)]


def _messages(error) -> list[str]:
    return getattr(error, "messages", None) or [str(error)]


def _my_business(request, business_id) -> Business:
    business = get_object_or_404(Business, pk=business_id)
    if not is_filer(request.user, business):
        raise PermissionDenied(_("You are not authorised to act for this business."))
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
    name = forms.CharField(label=gettext_lazy("Business name"), max_length=200)
    address = forms.CharField(label=gettext_lazy("Address"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_type = forms.ChoiceField(label=gettext_lazy("Owner"), choices=OwnerType.choices, initial="person")
    owner_id_number = forms.CharField(label=gettext_lazy("Owner's national ID or the company's tax ID"), max_length=17)
    owner_name = forms.CharField(label=gettext_lazy("Owner's name"), max_length=200)
    operating_since = forms.DateField(label=gettext_lazy("Operating since"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    licence_number = forms.CharField(label=gettext_lazy("Licence number (hotel or energy department)"),
                                     required=False)
    rooms = forms.IntegerField(label=gettext_lazy("Rooms (hotels)"), required=False, min_value=1)
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
                _key, new_key = api_key_issue(business=business, name=request.POST.get("name", ""),
                                              actor=request.user, request=request)
            elif request.POST.get("operation") == "revoke_key":
                key = get_object_or_404(business.api_keys, pk=request.POST.get("key"))
                api_key_revoke(key=key, actor=request.user, request=request)
                messages.success(request, _("Key revoked."))
            elif request.POST.get("operation") == "add_filer":
                filer_add(business=business, national_id=request.POST.get("national_id", "").strip(),
                          actor=request.user, request=request)
                messages.success(request, _("Authorised."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages(error)))
    filed = {ret.period: ret for ret in returns_of(business).filter(kind=ReturnKind.ORIGINAL)}
    return render(request, "pao_filing/business.html", {
        "business": business, "returns": returns_of(business), "new_key": new_key,
        "keys": business.api_keys.all(), "events": business.events.all()[:20],
        "months": [(month, filed.get(month)) for month in _recent_months(business)],
    })


def _declared(request, business, period) -> dict:
    """What the filer typed (or uploaded) on the return form, as the spec reads it."""
    if request.POST.get("nil"):
        return {"nil": True}
    if business.kind == BusinessKind.HOTEL:
        upload = request.FILES.get("guest_list")
        if upload is not None:
            if upload.size > 5 * 1024 * 1024:
                raise ValidationError(_("The guest list is larger than 5 MB."))
            guests = read_guest_csv(upload.read(), period=period)
            return {"guests": guests, "guests_clean": True}
        if request.POST.get("guests_json"):  # carried from the preview step
            guests = json.loads(request.POST["guests_json"])
            for guest in guests:
                guest["check_in"] = datetime.date.fromisoformat(guest["check_in"])
                guest["room_rate"], guest["rent"] = Decimal(guest["room_rate"]), Decimal(guest["rent"])
            return {"guests": guests, "guests_clean": True}
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


def _guests_json(data) -> str:
    return json.dumps([{**g, "check_in": g["check_in"].isoformat(), "room_rate": str(g["room_rate"]),
                        "rent": str(g["rent"])} for g in data.get("guests", [])])


@login_required
def file_return(request, business_id, return_id=None):
    """The return form: figures → the amount due, deadline, surcharge and penalty → confirm."""
    business = _my_business(request, business_id)
    original = get_object_or_404(spec_for(business).model, pk=return_id, business=business) if return_id else None
    months = _recent_months(business)
    context = {"business": business, "original": original, "months": months, "post": request.POST,
               "fuel_choices": [c for c in FUEL_CHOICES if c[0] in business.fuel_kinds],
               "tobacco_choices": TOBACCO_CHOICES}
    if request.method == "POST":
        try:
            period = original.period if original else parse_period(request.POST.get("period", ""))
            context["period"] = period
            data = _declared(request, business, period)
            context["guests_json"] = _guests_json(data) if data.get("guests") else ""
            if request.POST.get("step") == "confirm":
                if original:
                    ret = return_file_additional(original=original, data=data, actor=request.user, request=request)
                else:
                    ret = return_file(business=business, data=data, period=period, actor=request.user,
                                      request=request)
                messages.success(request, _("Filed. Amount due: %(amount)s baht.") % {"amount": f"{ret.amount_due:,.2f}"})
                return redirect("pao:return", business_id=business.pk, return_id=ret.pk)
            context["assessment"] = return_preview(business=business, data=data, period=period, original=original)
        except (ValidationError, PermissionDenied, ValueError) as error:
            context["errors"] = _messages(error)
            if getattr(error, "code", None) == "already_filed":
                context["already_filed"] = error.params["original"]
    status = 400 if context.get("errors") else 200
    return render(request, "pao_filing/file_return.html", context, status=status)


@login_required
def return_page(request, business_id, return_id):
    business = _my_business(request, business_id)
    ret = get_object_or_404(spec_for(business).model, pk=return_id, business=business)
    from tenant_apps.billing.selectors import payment_links

    return render(request, "pao_filing/return.html", {
        "business": business, "ret": ret, "lines": SPECS[business.kind].lines_of(ret),
        "pay": payment_links(source=f"{SPECS[business.kind].revenue}.return", source_id=ret.pk)})


# --- officers ---------------------------------------------------------------------------------------

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
        return redirect("pao:registrations")
    return render(request, "pao_filing/registrations.html", {
        "pending": Business.objects.filter(status=BusinessStatus.PENDING).order_by("registered_at")})


@officer_required(Action.VIEW_RETURNS)
def review_queue_page(request):
    queues = [(kind, BusinessKind(kind).label, review_queue(business_kind=kind)) for kind in SPECS]
    return render(request, "pao_filing/queue.html", {"queues": queues})


@officer_required(Action.VIEW_RETURNS)
def review_page(request, kind, return_id):
    if kind not in SPECS:
        raise PermissionDenied
    ret = get_object_or_404(SPECS[kind].model.objects.select_related("business"), pk=return_id)
    if request.method == "POST":
        try:
            return_review(ret=ret, decision=request.POST.get("decision", ""), reason=request.POST.get("reason", ""),
                          tax_amount=request.POST.get("tax_amount", ""), actor=request.user, request=request)
            messages.success(request, _("Saved."))
            return redirect("pao:queue")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages(error)))
    return render(request, "pao_filing/review.html", {"ret": ret, "kind": kind,
                                                      "lines": SPECS[kind].lines_of(ret)})


@officer_required(Action.VIEW_RETURNS)
def overdue_page(request):
    today = timezone.localdate()
    last_month = (month_start(today) - datetime.timedelta(days=1)).replace(day=1)
    try:
        period = parse_period(request.GET.get("period") or last_month)
    except ValueError:
        period = last_month
    period = min(period, last_month)
    lists = [(kind, BusinessKind(kind).label, overdue_businesses(business_kind=kind, period=period, today=today))
             for kind in SPECS]
    return render(request, "pao_filing/overdue.html", {"period": period, "lists": lists})


@officer_required(Action.MANAGE_ORDINANCES)
def ordinance_settings_page(request):
    if request.method == "POST":
        try:
            effective_from = datetime.date.fromisoformat(request.POST.get("effective_from", ""))
            if request.POST.get("form") == "rate":
                ordinance_rate_record(product=request.POST.get("product", ""), rate=request.POST.get("rate", ""),
                                      effective_from=effective_from, ordinance=request.POST.get("ordinance", ""),
                                      actor=request.user)
            else:
                filing_rule_record(
                    revenue=request.POST.get("revenue", ""), deadline_day=int(request.POST.get("deadline_day", 0)),
                    moves_to_working_day=bool(request.POST.get("moves_to_working_day")),
                    surcharge_percent_per_month=request.POST.get("surcharge_percent_per_month") or "0",
                    surcharge_cap_percent=request.POST.get("surcharge_cap_percent") or None,
                    penalty_percent=request.POST.get("penalty_percent") or "0", effective_from=effective_from,
                    ordinance=request.POST.get("ordinance", ""), actor=request.user)
            messages.success(request, _("Saved."))
            return redirect("pao:ordinance-settings")
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(_messages(error)))
    from tenant_apps.ordinances.models import FilingRule, OrdinanceRate

    return render(request, "pao_filing/ordinance_settings.html", {
        "rates": OrdinanceRate.objects.all(), "rules": FilingRule.objects.all(),
        "products": Product.choices, "revenues": Revenue.choices})
