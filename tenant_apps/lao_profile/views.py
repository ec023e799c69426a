from django.shortcuts import render

from .selectors import home_content


def lao_home(request):
    """The LAO's own site: who it is, how to reach it, what it offers online."""
    content = home_content(request.tenant)
    return render(request, "lao_profile/home.html", {
        "lao": request.tenant,
        "profile": content["profile"],
        "announcements": content["announcements"],
    })
