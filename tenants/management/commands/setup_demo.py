"""Everything `make run` needs after migrations: geography, the registry, demo LAOs onboarded."""
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.models import LAO

DEMO_LAOS = ["2540101", "4540102", "6540113", "3200408"]  # Phrae PAO, Phrae town, SAO Kanchana, Pattaya
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class Command(BaseCommand):
    help = "Load geography and the LAO registry, onboard the demo LAOs and print their addresses."

    def handle(self, *args, **options):
        data = settings.SHARED_DATA_DIR
        if not (data / "lao-registry.json").exists():
            self.stdout.write(f"{data} not found: loading the four demo LAOs only.")
            data = FIXTURES
        if not LAO.objects.exists() or data != FIXTURES:
            call_command("load_geography", str(data))
            registry = data / "lao-registry.json" if data != FIXTURES else FIXTURES / "demo-registry.json"
            call_command("import_laos", str(registry))
        call_command("onboard_lao", *DEMO_LAOS)
        self._demo_administrator()
        if settings.DEV_IDENTITY_PROVIDER:
            call_command("dev_idp_setup")
            self._demo_officer()
        self._demo_pao()
        self._demo_payment_settings()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Local Service is running:"))
        self.stdout.write(f"  landing page   {settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/")
        self.stdout.write(f"  DLA admin      {settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/admin/")
        for lao in LAO.objects.filter(dla_code__in=DEMO_LAOS).order_by("dla_code"):
            self.stdout.write(f"  {lao.dla_code}  {lao.site_url:<45} {lao.full_name_th}")

    def _demo_pao(self):
        """Phrae PAO's ordinance settings (typical rates of DOMAIN.md §3–5) and a registered demo hotel."""
        import datetime
        from decimal import Decimal

        from django_tenants.utils import schema_context

        from tenant_apps.businesses.models import Business, BusinessStatus
        from tenant_apps.businesses.services import business_register
        from tenant_apps.ordinances.models import OrdinanceRate
        from tenant_apps.ordinances.services import filing_rule_record, ordinance_rate_record

        User = get_user_model()
        lao = LAO.objects.get(dla_code="2540101")
        ordinance = "ข้อบัญญัติ อบจ.แพร่ (ตัวอย่างสำหรับการพัฒนา)"
        since = datetime.date(2024, 10, 1)
        with schema_context(lao.schema_name):
            if not OrdinanceRate.objects.exists():
                for product, rate in [("room_rent", "2"), ("petrol", "4.54"), ("diesel", "4.54"),
                                      ("vehicle_gas", "4.54"), ("cigarette", "9.30"), ("cigar", "9.30")]:
                    ordinance_rate_record(product=product, rate=rate, effective_from=since, ordinance=ordinance,
                                          actor=None)
                for revenue, day in [("hotel_fee", 10), ("petroleum_tax", 20), ("tobacco_tax", 20)]:
                    filing_rule_record(revenue=revenue, deadline_day=day, surcharge_percent_per_month=Decimal("1.5"),
                                       effective_from=since, ordinance=ordinance, actor=None)
            if not Business.objects.exists():
                somchai, _created = User.objects.get_or_create(
                    national_id="1101700230708",
                    defaults={"username": "citizen-demo-somchai", "name_th": "นายสมชาย ใจดี", "name_en": "Somchai Jaidee"})
                hotel = business_register(
                    actor=somchai, kind="hotel", name="โรงแรมแพร่นครา (ตัวอย่าง)", address="29 ถนนเจริญเมือง อำเภอเมืองแพร่",
                    owner_type="person", owner_id_number=somchai.national_id, owner_name="นายสมชาย ใจดี",
                    licence_number="54/2560", rooms=40, operating_since=datetime.date(2024, 1, 1))
                Business.objects.filter(pk=hotel.pk).update(status=BusinessStatus.APPROVED)
        self.stdout.write(f"  {lao.full_name_th}: rates, filing rules and a demo hotel of นายสมชาย ใจดี "
                          f"(sign in as 1101700230708 to file its returns)")

    def _demo_payment_settings(self):
        """Bank settings for the demo LAOs (the test biller of DOMAIN.md §8), so slips show Thai QR codes."""
        from django_tenants.utils import schema_context

        from tenant_apps.billing.models import PaymentSettings

        for lao in LAO.objects.filter(dla_code__in=DEMO_LAOS):
            with schema_context(lao.schema_name):
                PaymentSettings.objects.get_or_create(pk=1, defaults={
                    "tax_id": "0994000165501", "biller_suffix": "00", "company_code": "DEMO",
                    "hmac_secret": secrets.token_urlsafe(32)})

    def _demo_officer(self):
        """A LAO administrator of SAO Kanchana with a password and a known authenticator key."""
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_tenants.utils import schema_context

        from shared_apps.accounts.services import totp_secret_text
        from tenant_apps.officers.models import Officer, Role

        User = get_user_model()
        user, created = User.objects.get_or_create(username="officer-kanchana",
                                                   defaults={"name_th": "เจ้าหน้าที่ อบต.กาญจนา"})
        if created:
            user.set_password("kanchana-demo-2569")
            user.save()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="demo", confirmed=True)
        lao = LAO.objects.get(dla_code="6540113")
        with schema_context(lao.schema_name):
            Officer.objects.update_or_create(user_id=user.pk, defaults={"roles": list(Role.values), "is_active": True})
        self.stdout.write(f"  Officer of {lao.full_name_th}: officer-kanchana / kanchana-demo-2569, "
                          f"authenticator key {totp_secret_text(device=device)} (development only)")

    def _demo_administrator(self):
        if not settings.DEBUG:
            return
        User = get_user_model()
        if User.objects.filter(username="dla-admin").exists():
            self.stdout.write("  DLA administrator: dla-admin (password as printed when it was created)")
            return
        from django.contrib.auth.models import Group

        from shared_apps.accounts.models import StaffRole
        from tenants.apps import DLA_ADMINISTRATORS

        password = secrets.token_urlsafe(12)
        admin = User.objects.create_superuser("dla-admin", "dla-admin@example.invalid", password)
        admin.groups.add(Group.objects.get(name=DLA_ADMINISTRATORS))
        StaffRole.objects.create(user=admin, kind=StaffRole.Kind.DLA_ADMINISTRATOR)
        self.stdout.write(f"  DLA administrator: dla-admin / {password}  (development only)")
