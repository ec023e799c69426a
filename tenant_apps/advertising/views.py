from django.shortcuts import render

from .selectors import policy_get


def advertising_conditions(request):
    """What an applicant must know before asking to post, drop or scatter notices here."""
    return render(request, "advertising/conditions.html", {"lao": request.tenant, "policy": policy_get()})
