"""Billing pages: the counter, pay-in slips, statement files, receipts, payment settings."""
from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localservice.throttling import StatementUploadThrottle, throttled_page
from shared_apps.listing import build_listing, export_listing, list_page
from shared_apps.payment_formats.statement import StatementError
from tenant_apps.officers.access import Action
from tenant_apps.officers.decorators import officer_required

from .models import Invoice, InvoiceStatus, Obligation, PaymentMethod, PaymentSettings, Receipt
from . import lists
from .obligations import pay_by, payable_on
from .selectors import payment_exceptions
from .reconciliation import statement_reconcile
from .services import (amount_payable, counter_payment_record, credit_refund, credits_set_off, payment_settings,
                       payment_settings_update, receipt_void)


def _crumbs(request, here=None) -> list:
    """The page's trail (officer home › … › the page), as the header menu knows it (or home › `here`)."""
    from django.urls import NoReverseMatch

    from tenant_apps.officers.navigation import breadcrumbs_for

    trail = breadcrumbs_for(request.resolver_match.view_name, request.lao_access)
    if not trail and here:
        try:
            trail = [(_("Officer home"), reverse("officers:home")), (here, None)]
        except NoReverseMatch:
            trail = [(here, None)]
    return trail


def _messages(error) -> list[str]:
    return getattr(error, "messages", None) or [str(error)]


def _counter_methods() -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in (PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.TRANSFER)]


def _valid_receipt(payment_id):
    return (Receipt.objects.filter(payment_id=payment_id, voided_at__isnull=True).order_by("-id").first()
            if payment_id else None)


@officer_required(Action.RECORD_PAYMENTS)
def invoices(request):
    """The counter. "Paid" asks once more (what, from whom, how much, how) before the money is recorded: a
    confirmation step on the server, since the site runs no inline script; then the receipt is a click away."""
    if request.method == "POST":
        invoice = Invoice.objects.filter(pk=request.POST.get("invoice") if str(
            request.POST.get("invoice", "")).isdigit() else None).select_related("obligation").first()
        if invoice is None:
            raise Http404
        method, reference = request.POST.get("method", ""), request.POST.get("reference", "").strip()
        if request.POST.get("confirmed") != "1":
            invoice.payable_today = amount_payable(invoice, timezone.localdate())
            return render(request, "billing/invoices.html", {
                "confirm": {"invoice": invoice, "method": method, "reference": reference,
                            "method_label": dict(_counter_methods()).get(method, method)}})
        try:
            payment, created = counter_payment_record(invoice=invoice, method=method, reference=reference,
                                                      amount=request.POST.get("amount") or None, actor=request.user,
                                                      request=request)
            if created:
                messages.success(request, _("Payment recorded: %(amount)s baht.") % {"amount": f"{payment.amount:,.2f}"})
            else:
                messages.info(request, _("This slip number was already recorded; nothing was counted twice."))
            return redirect(reverse("billing:invoices") + f"?paid={payment.pk}")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages(error)))
        return redirect("billing:invoices")
    listing = build_listing(request, lists.INVOICES, lists.invoices())
    if listing.export:
        return export_listing(listing)
    today = timezone.localdate()
    for invoice in listing.page:
        invoice.payable_today = amount_payable(invoice, today)
    recent = list(Invoice.objects.filter(status=InvoiceStatus.PAID).order_by("-paid_at")[:20])
    receipts = {}
    for receipt in (Receipt.objects.filter(payment__invoice__in=recent, voided_at__isnull=True)
                    .select_related("payment").order_by("id")):
        receipts[receipt.payment.invoice_id] = receipt
    for invoice in recent:
        invoice.receipt = receipts.get(invoice.pk)
    paid = request.GET.get("paid", "")
    return render(request, "billing/invoices.html", {
        "listing": listing, "recent": recent, "methods": _counter_methods(), "breadcrumbs": _crumbs(request),
        "just_paid": _valid_receipt(int(paid)) if paid.isdigit() and len(paid) < 19 else None,
    }, status=400 if listing.errors else 200)


@officer_required(Action.RECORD_PAYMENTS)
def exceptions(request):
    """Money that did not match what was due, and credits waiting for a refund or a set-off."""
    if request.method == "POST" and request.POST.get("action") == "refund_status":
        return _refund_status(request)
    if request.method == "POST":
        pk = request.POST.get("obligation", "")
        obligation = Obligation.objects.filter(pk=pk if pk.isdigit() else None).first()
        if obligation is None:
            raise Http404
        try:
            if request.POST.get("action") == "set_off":
                moves = credits_set_off(payer_key=obligation.payer_key, actor=request.user, request=request)
                if moves:
                    messages.success(request, _("The credit was set off against what the same payer owes."))
                else:
                    messages.info(request, _("Nothing to set off: the payer owes nothing else here, or the payment "
                                             "settings say credits are refunded."))
            else:
                refunds = credit_refund(obligation=obligation, reason=request.POST.get("reason", ""),
                                        actor=request.user, request=request)
                messages.success(request, _("Refund of %(amount)s baht created: send it to the bank from the "
                                            "refunds list.") % {"amount": f"{sum(r.amount for r in refunds):,.2f}"})
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages(error)))
        return redirect("billing:exceptions")
    waiting = payment_exceptions()  # credits to refund or set off, refunds on their way to the bank
    return list_page(request, lists.EXCEPTIONS, lists.exception_payments(), "billing/exceptions.html", {
        "credits": waiting["credits"], "refunds": waiting.get("refunds", []), "breadcrumbs": _crumbs(request)})


def _refund_status(request):
    """A refund sent to the bank, then refunded (or failed: the credit is the payer's again)."""
    from .models import Refund
    from .services import refund_set_status

    pk = request.POST.get("refund", "")
    refund = get_object_or_404(Refund, pk=pk if pk.isdigit() else None)
    try:
        refund_set_status(refund=refund, status=request.POST.get("status", ""), actor=request.user, request=request)
        messages.success(request, _("Saved."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(_messages(error)))
    return redirect("billing:exceptions")


# --- pay-in slips ----------------------------------------------------------------------------------

def slip_token(invoice: Invoice) -> str:
    """A link to the slip that works only on this LAO's site (the schema is part of what is signed)."""
    return signing.Signer(salt="pay-in-slip").sign(f"{connection.schema_name}.{invoice.pk}")


def slip_url(invoice: Invoice) -> str:
    from django.conf import settings as django_settings

    from tenants.selectors import current_lao

    lao = current_lao()
    urlconf = django_settings.TENANT_TYPES[lao.lao_type]["URLCONF"] if lao else None
    return reverse("billing:slip", args=[slip_token(invoice)], urlconf=urlconf)


def _slip_context(request, token: str) -> dict:
    """What the slip shows today, read only: a GET never replaces or changes an invoice."""
    try:
        schema, pk = signing.Signer(salt="pay-in-slip").unsign(token).rsplit(".", 1)
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    if schema != connection.schema_name or not pk.isdigit():
        raise Http404
    invoice = get_object_or_404(Invoice.objects.select_related("obligation"), pk=pk)
    if invoice.status == InvoiceStatus.CANCELLED:  # replaced since: the invoice that stands now, if any
        invoice = invoice.obligation.invoices.filter(status=InvoiceStatus.OPEN).first() or invoice
    return slip_context(invoice, lao=request.tenant)


def slip_context(invoice: Invoice, *, lao) -> dict:
    """What the slip of `invoice` shows today (the page, the PDF and its signed document)."""
    obligation = invoice.obligation
    today = timezone.localdate()
    settings = payment_settings()
    amount = max(payable_on(obligation, today), 0) if invoice.status == InvoiceStatus.OPEN else invoice.amount
    context = {"invoice": invoice, "obligation": obligation, "amount": amount,
               "pay_by": pay_by(obligation, today) if invoice.status == InvoiceStatus.OPEN else invoice.due_date,
               "surcharge_runs": obligation.surcharge_percent_per_month is not None and obligation.surcharge_base > 0,
               "settings": settings, "lao": lao, "qr_svg": "", "barcode_svg": ""}
    from shared_apps.payment_formats.thai_words import baht_text

    context["amount_words"] = baht_text(amount)
    if invoice.status == InvoiceStatus.OPEN and settings.biller_id and amount > 0:
        from shared_apps.payment_formats.barcode import bill_payment_barcode_data, barcode_svg
        from shared_apps.payment_formats.thai_qr import bill_payment_payload, qr_svg

        context["qr_payload"] = bill_payment_payload(biller_id=settings.biller_id, ref1=invoice.ref1,
                                                     ref2=invoice.ref2, amount=amount)
        context["qr_svg"] = qr_svg(context["qr_payload"], scale=5)
        context["barcode_data"] = bill_payment_barcode_data(biller_id=settings.biller_id, ref1=invoice.ref1,
                                                            ref2=invoice.ref2, amount_satang=int(amount * 100))
        context["barcode_svg"] = barcode_svg(context["barcode_data"])
    context["receipt"] = Receipt.objects.filter(payment__obligation=obligation, voided_at__isnull=True,
                                                payment__reversed_at__isnull=True).order_by("-id").first()
    context["slip_token"] = slip_token(invoice)
    return context


def slip(request, token):
    """ใบแจ้งชำระเงิน: Thai QR and the BOT barcode, amounts in figures and words, Ref1/Ref2, due date."""
    context = _slip_context(request, token)
    if context["slip_token"] != token:  # replaced since: show the slip of the invoice that stands now
        return redirect("billing:slip", token=context["slip_token"])
    return render(request, "billing/slip.html", context)


def slip_pdf(request, token):
    """The slip as a signed PDF/A-3b, stored per invoice and amount payable (issued on the first download)."""
    from shared_apps.documents.issuing import stored_bytes

    context = _slip_context(request, token)
    pdf = stored_bytes("slip", context["invoice"].pk, lao=request.tenant)
    return HttpResponse(pdf, content_type="application/pdf")


# --- statements, receipts, settings -----------------------------------------------------------------

@officer_required(Action.RECORD_PAYMENTS)
@throttled_page(StatementUploadThrottle)  # uploads (POST) only, shared with the API
def statements(request):
    record, errors = None, []
    if request.method == "POST":
        upload = request.FILES.get("statement")
        if upload is None or upload.size > 50 * 1024 * 1024:
            errors = [_("Choose the bank's file (at most 50 MB).")]
        else:
            try:
                record = statement_reconcile(data=upload.read(), name=upload.name, actor=request.user, request=request)
            except StatementError as error:
                errors = error.errors
    listing = build_listing(request, lists.STATEMENTS, lists.statements())
    if listing.export:
        return export_listing(listing)
    return render(request, "billing/statements.html", {
        "record": record, "errors": errors, "listing": listing, "breadcrumbs": _crumbs(request)},
        status=400 if errors or listing.errors else 200)


@officer_required(Action.RECORD_PAYMENTS)
def receipts(request):
    if request.method == "POST":
        pk = request.POST.get("receipt", "")
        receipt = get_object_or_404(Receipt, pk=pk if pk.isdigit() else None)
        try:
            receipt_void(receipt=receipt, reason=request.POST.get("reason", ""), actor=request.user, request=request)
            messages.success(request, _("Receipt voided and a new one issued."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages(error)))
        return redirect(request.get_full_path())  # back to the list as it was filtered
    return list_page(request, lists.RECEIPTS, lists.receipts(), "billing/receipts.html",
                     {"breadcrumbs": _crumbs(request)})


@officer_required(Action.RECORD_PAYMENTS)
def refunds(request):
    """Refunds of credits: created, sent to the bank, refunded or failed — the list to follow them up."""
    return list_page(request, lists.REFUNDS, lists.refunds(), "billing/refunds.html",
                     {"breadcrumbs": _crumbs(request, _("Refunds"))})


def receipt_pdf(request, token):
    """The receipt as a PDF: for whoever holds its link (the payer, from their page). The signed file stored at
    issue, the same bytes on every download (issued now if the background task has not run yet)."""
    from shared_apps.documents.issuing import stored_bytes

    receipt = get_object_or_404(Receipt.objects.only("id", "fiscal_year", "sequence"), token=token)
    response = HttpResponse(stored_bytes("receipt", receipt.pk, lao=request.tenant), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.fiscal_year}-{receipt.sequence}.pdf"'
    return response


def receipt_verify(request, token):
    """Public: a receipt's QR says whether it is genuine and valid, with the amount and date, nothing else."""
    receipt = Receipt.objects.filter(token=token).first()
    from shared_apps.documents.views import upload_outcome

    outcome, upload_error = upload_outcome(request, expected_kind="receipt")
    return render(request, "billing/receipt_verify.html", {
        "receipt": receipt, "outcome": outcome, "upload_error": upload_error,
        "upload_action": request.path}, status=400 if upload_error else 200 if receipt else 404)


def _secret_field(label):
    # Never rendered back: the page only says when it was set and by whom.
    return forms.CharField(label=label, required=False, strip=False, max_length=PaymentSettings.SECRET_MAX_LENGTH,
                           widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))


class PaymentSettingsForm(forms.ModelForm):
    """The bank settings. Secrets are write-only: left blank, the stored one stays; typed, it replaces it;
    "clear" removes it."""

    hmac_secret = _secret_field(gettext_lazy("New notification secret"))
    hmac_secret_clear = forms.BooleanField(required=False, label=gettext_lazy("Clear the notification secret"))
    keep_previous_secret = forms.BooleanField(
        required=False, initial=True,
        label=gettext_lazy("Keep the current secret as the previous one, accepted while the bank switches over"))
    hmac_secret_previous = _secret_field(gettext_lazy("New previous secret"))
    hmac_secret_previous_clear = forms.BooleanField(
        required=False, label=gettext_lazy("Clear the previous secret (the bank signs with the new one now)"))
    ktb_password = _secret_field(gettext_lazy("New KTB password"))
    ktb_password_clear = forms.BooleanField(required=False, label=gettext_lazy("Clear the KTB password"))

    class Meta:
        model = PaymentSettings
        fields = ["tax_id", "biller_suffix", "bank_code", "company_code", "company_account", "ref1_length",
                  "ref1_check_digit", "ref2_scheme", "allowed_sources", "ktb_user", "credit_policy"]
        widgets = {"allowed_sources": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        for name in PaymentSettings.SECRETS:
            if data.get(name) and data.get(f"{name}_clear"):
                self.add_error(name, _("Type a new value or clear it, not both."))
        return data

    def changes(self) -> dict:
        """What to save: every plain field; a secret only when typed or cleared."""
        data = self.cleaned_data
        changes = {name: data[name] for name in self.Meta.fields}
        for name in PaymentSettings.SECRETS:
            if data.get(f"{name}_clear"):
                changes[name] = ""
            elif data.get(name):
                changes[name] = data[name]
        return changes

    def secret_rows(self) -> list[dict]:
        """Per secret: whether one is stored, since when and by whom, and the inputs to replace or clear it."""
        settings = self.instance
        rows = []
        for name in PaymentSettings.SECRETS:
            try:
                set_by = getattr(settings, f"{name}_set_by")
            except ObjectDoesNotExist:  # no constraint across schemas: the account may be gone
                set_by = None
            rows.append({
                "label": PaymentSettings._meta.get_field(name).verbose_name, "is_set": bool(getattr(settings, name)),
                "set_at": getattr(settings, f"{name}_set_at"), "set_by": set_by.display_name if set_by else "",
                "field": self[name], "clear": self[f"{name}_clear"],
                "keep": self["keep_previous_secret"] if name == "hmac_secret" else None})
        return rows


@officer_required(Action.MANAGE_PAYMENT_SETTINGS)
def settings_page(request):
    form = PaymentSettingsForm(request.POST or None, instance=payment_settings())
    if request.method == "POST" and form.is_valid():
        try:
            payment_settings_update(actor=request.user, request=request,
                                    keep_previous_secret=form.cleaned_data["keep_previous_secret"], **form.changes())
            messages.success(request, _("Saved."))
            return redirect("billing:settings")
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "billing/settings.html", {
        "form": form, "plain_fields": [form[name] for name in PaymentSettingsForm.Meta.fields],
        "secrets": form.secret_rows(), "title": gettext_lazy("Payment settings")},
        status=400 if form.errors else 200)
