"""The finance officer's counter: open invoices, and payments taken in cash, by cheque or transfer."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tenant_apps.officers.access import Action
from tenant_apps.officers.decorators import officer_required

from .models import Invoice, InvoiceStatus, PaymentMethod
from .services import counter_payment_record


@officer_required(Action.RECORD_PAYMENTS)
def invoices(request):
    if request.method == "POST":
        invoice = get_object_or_404(Invoice, pk=request.POST.get("invoice"))
        try:
            payment, created = counter_payment_record(invoice=invoice, method=request.POST.get("method", ""),
                                                      reference=request.POST.get("reference", ""),
                                                      amount=request.POST.get("amount") or None, actor=request.user,
                                                      request=request)
            if created:
                messages.success(request, _("Payment recorded: %(amount)s baht.") % {"amount": f"{payment.amount:,.2f}"})
            else:
                messages.info(request, _("This slip number was already recorded; nothing was counted twice."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("billing:invoices")
    return render(request, "billing/invoices.html", {
        "open": Invoice.objects.filter(status=InvoiceStatus.OPEN).order_by("due_date")[:200],
        "recent": Invoice.objects.filter(status=InvoiceStatus.PAID).order_by("-paid_at")[:20],
        "methods": [(m.value, m.label) for m in (PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.TRANSFER)],
    })
