"""Links to an item's page that land the person signed in on its LAO's host: through the central site's
`/accounts/me/go/` (it issues the one-time sign-in ticket for that host), so they also work from an e-mail."""
from urllib.parse import urlencode

from django.conf import settings


def central_url(path: str) -> str:
    return f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}{path}"


def go_link(*, dla_code: str, path: str) -> str:
    return central_url(f"/accounts/me/go/?{urlencode({'lao': dla_code, 'next': path})}")


def item_link(item) -> str:
    """The absolute link of a published item (a receipt's is its PDF on the LAO's host: a token, no sign-in)."""
    from .models import ItemKind

    if item.kind == ItemKind.PAID:
        return f"{item.lao.site_url}{item.path.lstrip('/')}"
    return go_link(dla_code=item.lao.dla_code, path=item.path)
