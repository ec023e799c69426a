from django.shortcuts import render

from .selectors import announcements_published, profile_get


def lao_home(request):
    """The LAO's own site: who it is, how to reach it, what it offers online."""
    return render(request, "lao_profile/home.html", {
        "lao": request.tenant,
        "profile": profile_get(),
        "announcements": announcements_published(),
    })
