"""The central landing page: find your LAO among all of them and go to its site."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shared_apps.geography.models import District
from tenants.models import LAOType
from tenants.selectors import lao_search, registry_facts

PAGE_SIZE = 20


@require_GET
def landing(request):
    form = {name: request.GET.get(name, "").strip()[:100] for name in ("q", "province", "district", "type")}
    if form["type"] not in LAOType.values:
        form["type"] = ""
    laos = lao_search(q=form["q"], province=form["province"], district=form["district"], lao_type=form["type"])
    page = Paginator(laos, PAGE_SIZE).get_page(request.GET.get("page"))
    facts = registry_facts()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/landing.html", {
        "form": form,
        "page": page,
        "query_without_page": query.urlencode(),
        "provinces": facts["provinces"],
        "districts": District.objects.filter(province_id=form["province"]).order_by("name_th") if form["province"] else [],
        "types": LAOType.choices,
        "total_laos": facts["total"],
        "total_laos_text": f"{facts['total']:,}",
    })
