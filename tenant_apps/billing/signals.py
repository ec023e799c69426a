from django.dispatch import Signal

# Sent after the transaction that posted the payment commits, with invoice=Invoice. Receivers check
# invoice.source themselves: Django matches senders by identity, and source strings come from the database.
invoice_paid = Signal()
