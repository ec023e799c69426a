"""The API reference page (Redoc, served from drf-spectacular-sidecar's static files) under the strict CSP.

Redoc draws its styles at run time (styled-components and perfect-scrollbar insert <style> elements) and
builds its search index in a Web Worker made from a blob: URL. Its `nonce` option does not reach those
style elements (Redoc 2.5: they come out without the nonce and the page fails with styled-components'
error 17), so this page alone allows inline *styles*, blob: workers and its data: icons. Scripts stay 'self' here too:
nothing inline runs on any page.
"""
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView

REDOC_CSP = {"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"], "img-src": ["data:"]}  # data: its icons


class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"  # no web fonts from Google, no inline style or script


def redoc_view(url_name: str):
    return csp_update(REDOC_CSP)(RedocView.as_view(url_name=url_name))
