"""The relying party for DOPA Digital ID (OpenID Connect), through Authlib.

Authorization code flow with PKCE (S256), state and nonce kept in the session;
the ID token's signature (JWKS from discovery), issuer, audience, expiry and
nonce are checked by Authlib. Endpoints and keys come from the discovery URL.
"""
from authlib.integrations.django_client import OAuth
from django.conf import settings

_clients: dict[tuple, object] = {}


def dopa_client():
    conf = settings.DOPA_OIDC
    key = tuple(sorted((k, str(v)) for k, v in conf.items()))
    client = _clients.get(key)
    if client is None:
        oauth = OAuth()
        client = oauth.register(
            name="dopa",
            server_metadata_url=conf["DISCOVERY_URL"],
            client_id=conf["CLIENT_ID"],
            client_secret=conf["CLIENT_SECRET"],
            client_kwargs={
                "scope": conf["SCOPES"],
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": conf["TOKEN_ENDPOINT_AUTH_METHOD"],
                "timeout": 10,
            },
        )
        _clients[key] = client
    return client
