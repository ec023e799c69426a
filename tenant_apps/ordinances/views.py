from django.shortcuts import render
from django.utils import timezone

from .models import OrdinanceRate
from .selectors import rates_in_force


def ordinance_rates(request):
    """The PAO's rates in force today, and their history: what a hotel or station owes and why."""
    return render(request, "ordinances/rates.html", {
        "lao": request.tenant,
        "rates": rates_in_force(on=timezone.localdate()),
        "history": OrdinanceRate.objects.all(),
    })
