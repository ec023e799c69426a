from django.conf import settings
from django.core.management.base import BaseCommand

from shared_apps.dev_idp.services import DEMO_CITIZENS, DEMO_PASSCODE, dev_idp_setup


class Command(BaseCommand):
    help = "Register the development relying party and demo citizens with the local D.DOPA stand-in."

    def handle(self, *args, **options):
        callback = f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/accounts/dopa/callback/"
        dev_idp_setup(redirect_uris=[callback])
        self.stdout.write("  D.DOPA stand-in (development): demo citizens, passcode " + DEMO_PASSCODE)
        for person in DEMO_CITIZENS:
            self.stdout.write(f"    {person['pid']}  {person['title']}{person['given_name']} {person['family_name']}")
