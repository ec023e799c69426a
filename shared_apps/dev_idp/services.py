"""Setting up the development provider: the relying party's client and a few demo citizens."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import Application

from .models import DevCitizen

DEMO_PASSCODE = "24681357"
# Valid national IDs (check digit per DOMAIN.md §9), invented for development.
DEMO_CITIZENS = [
    {"pid": "1101700230708", "title": "นาย", "given_name": "สมชาย", "family_name": "ใจดี",
     "given_name_en": "Somchai", "family_name_en": "Jaidee"},
    {"pid": "3540100123457", "title": "นาง", "given_name": "สมหญิง", "family_name": "รักถิ่น",
     "given_name_en": "Somying", "family_name_en": "Rakthin"},
    {"pid": "1209900012344", "title": "นางสาว", "given_name": "มาลี", "family_name": "ทะเลงาม",
     "given_name_en": "Malee", "family_name_en": "Talay-ngam"},
]


@transaction.atomic
def dev_idp_setup(*, redirect_uris: list[str]) -> Application:
    """Idempotent: the client of the relying party and the demo citizens."""
    conf = settings.DOPA_OIDC
    app = Application.objects.filter(client_id=conf["CLIENT_ID"]).first() or Application(client_id=conf["CLIENT_ID"])
    app.name = "Local Service (development)"
    app.client_type = Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.client_secret = conf["CLIENT_SECRET"]  # hashed on save
    app.redirect_uris = " ".join(redirect_uris)
    app.algorithm = Application.RS256_ALGORITHM
    app.skip_authorization = True
    app.save()
    User = get_user_model()
    for person in DEMO_CITIZENS:
        account, _created = User.objects.get_or_create(username=f"dopa-dev-{person['pid']}")
        account.set_password(DEMO_PASSCODE)
        account.save()
        DevCitizen.objects.update_or_create(pid=person["pid"], defaults={**person, "account": account})
    return app
