"""A real HTTP server for the sign-in tests, and a small browser that talks to it.

The relying party (Authlib) calls the D.DOPA stand-in over HTTP exactly as it
would call DOPA; the "browser" follows redirects across the central site, the
provider's host (127.0.0.1) and LAO subdomains (*.localhost, resolved to the
loopback address the way browsers do).
"""
import re
import socket
import threading
from dataclasses import dataclass
from html import unescape

import requests
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class LiveSite:
    port: int

    @property
    def central(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def idp(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lao(self, lao) -> str:
        return f"http://{lao.host}:{self.port}"


def start_server() -> tuple[ThreadedWSGIServer, LiveSite]:
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, LiveSite(port=server.server_address[1])


_real_getaddrinfo = socket.getaddrinfo


def _loopback_for_localhost_names(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


def form_values(html: str, marker: str) -> dict:
    """The hidden and pre-filled inputs of the first form containing `marker`."""
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        if marker in form:
            return {name: unescape(value) for name, value in
                    re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}
    raise AssertionError(f"no form with {marker!r}")


class Browser(requests.Session):
    """requests with the two things a browser adds: *.localhost names and following forms."""

    def visited_idp_login(self, response) -> bool:
        return any("/dev-idp/login/" in r.url for r in [*response.history, response])

    def dopa_sign_in(self, response, *, pid: str, passcode: str = "24681357"):
        """On the D.DOPA stand-in's sign-in page: type the national ID and passcode."""
        assert "/dev-idp/login/" in response.url, response.url
        fields = form_values(response.text, 'name="passcode"')
        fields.update(pid=pid, passcode=passcode)
        return self.post(response.url, data=fields, headers={"Referer": response.url})
