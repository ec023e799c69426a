from django.dispatch import Signal

# Sent after the transaction that posted the payment commits: (sender=source string, invoice=Invoice).
invoice_paid = Signal()
