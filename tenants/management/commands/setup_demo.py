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
        call_command("documents_dev_ca", *DEMO_LAOS, force=True)  # signed receipts and permits out of the box
        self._demo_administrator()
        if settings.DEV_IDENTITY_PROVIDER:
            call_command("dev_idp_setup")
            self._demo_officer()
        self._demo_pao()
        self._demo_payment_settings()
        if settings.DEV_IDENTITY_PROVIDER:
            officer = self._demo_pao_officer()
            self._demo_pao_workload(officer)
            self._demo_sao_applications()
        # The demo's data is partly written in bulk: the people's items (My account, reminders) from it, once.
        call_command("rebuild_person_items", *[f"--lao={code}" for code in DEMO_LAOS], "--workers=1", verbosity=0)
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
        return self._demo_officer_of(dla_code="6540113", username="officer-kanchana", password="kanchana-demo-2569",
                                     name_th="เจ้าหน้าที่ อบต.กาญจนา", note="")

    def _demo_pao_officer(self):
        """An officer of Phrae PAO holding every role, with a password and a known authenticator key."""
        return self._demo_officer_of(dla_code="2540101", username="officer-phrae", password="phrae-demo-2569",
                                     name_th="เจ้าหน้าที่ อบจ.แพร่", note=" (every role)")

    def _demo_officer_of(self, *, dla_code, username, password, name_th, note):
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_tenants.utils import schema_context

        from shared_apps.accounts.services import totp_secret_text
        from tenant_apps.officers.models import Officer, Role

        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"name_th": name_th})
        if created:
            user.set_password(password)
            user.save()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="demo", confirmed=True)
        lao = LAO.objects.get(dla_code=dla_code)
        with schema_context(lao.schema_name):
            Officer.objects.update_or_create(user_id=user.pk, defaults={"roles": list(Role.values), "is_active": True})
        self.stdout.write(f"  Officer of {lao.full_name_th}{note}: {username} / {password}, "
                          f"authenticator key {totp_secret_text(device=device)} (development only)")
        return user

    def _demo_pao_workload(self, officer):
        """A few months of Phrae PAO's work, so every panel of the officer home has something to show: a fuel
        station and a tobacco trader filing (some accepted, some waiting for review, one month not filed), a
        registration waiting, payments at the counter, a statement file with an unmatched line, a short and an
        over payment, a reversal, and a refund created. The demo hotel is left as it was (the README's walk-
        through files its last month). Once: skipped when the demo fuel station exists."""
        import datetime
        from decimal import Decimal

        from django.utils import timezone
        from django_tenants.utils import schema_context

        from shared_apps.payment_formats.statement import build_statement
        from tenant_apps.billing.models import Invoice, InvoiceStatus, Obligation, PaymentSettings
        from tenant_apps.billing.reconciliation import statement_reconcile
        from tenant_apps.billing.services import amount_payable, counter_payment_record, credit_refund
        from tenant_apps.businesses.models import Business, BusinessStatus
        from tenant_apps.businesses.services import business_register
        from tenant_apps.pao_filing.periods import month_start
        from tenant_apps.pao_filing.services import SPECS, return_file, return_review

        User = get_user_model()
        lao = LAO.objects.get(dla_code="2540101")
        fuel_name = "สถานีบริการน้ำมันร่องฟอง (ตัวอย่าง)"
        with schema_context(lao.schema_name):
            if Business.objects.filter(name=fuel_name).exists():
                return
            PaymentSettings.objects.filter(pk=1, company_account="").update(company_account="1234567890")
            somying, _c = User.objects.get_or_create(national_id="3540100123457", defaults={
                "username": "citizen-demo-somying", "name_th": "นางสมหญิง รักถิ่น"})
            malee, _c = User.objects.get_or_create(national_id="1209900012344", defaults={
                "username": "citizen-demo-malee", "name_th": "นางสาวมาลี ทะเลงาม"})
            since = datetime.date(2024, 1, 1)
            fuel = business_register(
                actor=somying, kind="fuel", name=fuel_name, address="88 ถนนยันตรกิจโกศล อำเภอเมืองแพร่",
                owner_type="person", owner_id_number=somying.national_id, owner_name="นางสมหญิง รักถิ่น",
                licence_number="ธพ.54/2562", fuel_kinds=["petrol", "diesel"], trade_mode="retail",
                operating_since=since)
            tobacco = business_register(
                actor=malee, kind="tobacco", name="ร้านมาลีค้าส่ง (ตัวอย่าง)", address="5 ถนนคำลือ อำเภอเมืองแพร่",
                owner_type="person", owner_id_number=malee.national_id, owner_name="นางสาวมาลี ทะเลงาม",
                operating_since=since)
            Business.objects.filter(pk__in=[fuel.pk, tobacco.pk]).update(status=BusinessStatus.APPROVED)
            business_register(  # waiting for a clerk's decision
                actor=malee, kind="hotel", name="บ้านพักมาลี (ตัวอย่าง)", address="12 ถนนเหมืองหิต อำเภอเมืองแพร่",
                owner_type="person", owner_id_number=malee.national_id, owner_name="นางสาวมาลี ทะเลงาม",
                licence_number="12/2568", rooms=8, operating_since=datetime.date(2025, 6, 1))

            today = timezone.localdate()
            last = month_start(month_start(today) - datetime.timedelta(days=1))
            months = [month_start(last - datetime.timedelta(days=31 * n)) for n in (3, 2, 1)]

            def file(business, period, data, *, late_days=0):
                filed_on = month_start(period + datetime.timedelta(days=32)) + datetime.timedelta(days=4 + late_days)
                filed_on = min(filed_on, today)
                ret = return_file(business=business, period=period, data=data, actor=business.registered_by,
                                  today=filed_on)
                moment = timezone.make_aware(datetime.datetime.combine(filed_on, datetime.time(10)))
                type(ret).objects.filter(pk=ret.pk).update(filed_at=moment)
                return ret

            def litres(sold):
                return {"lines": [{"product": "petrol", "opening": "40000", "received": sold, "sold": sold,
                                   "closing": "40000"},
                                  {"product": "diesel", "opening": "60000", "received": sold, "sold": sold,
                                   "closing": "60000"}]}

            fuel_returns = [file(fuel, period, litres(str(30000 + 2500 * n))) for n, period in enumerate(months)]
            tobacco_returns = [file(tobacco, months[1], {"lines": [{"product": "cigarette", "quantity": "120000"}]}),
                               file(tobacco, months[2], {"lines": [{"product": "cigarette", "quantity": "98000"}]},
                                    late_days=20),
                               file(tobacco, last, {"lines": [{"product": "cigarette", "quantity": "105000"}]})]
            for ret in fuel_returns[:2] + tobacco_returns[:1]:
                return_review(ret=ret, decision="accept", actor=officer)

            def bill(ret):
                spec = next(s for s in SPECS.values() if s.model is type(ret))
                obligation = Obligation.objects.get(source=f"{spec.revenue}.return", source_id=ret.pk)
                return Invoice.objects.get(obligation=obligation, status=InvoiceStatus.OPEN)

            for n, ret in enumerate(fuel_returns[:2] + tobacco_returns[:1]):
                counter_payment_record(invoice=bill(ret), method="cash", reference=f"demo-{n + 1}", actor=officer)

            # A statement of three days ago: one exact payment, one short, one over, one line matching nothing.
            day = today - datetime.timedelta(days=3)
            exact, short, over = bill(fuel_returns[2]), bill(tobacco_returns[1]), bill(tobacco_returns[2])

            def line(n, invoice, amount, kind="C", ref1=None):
                return {"sequence": n + 2, "payment_date": day, "payment_time": datetime.time(9, n, 0),
                        "customer_name": invoice.payer_name[:50] if invoice else "ไม่ทราบผู้ชำระ",
                        "ref1": ref1 or invoice.ref1, "ref2": invoice.ref2 if invoice else "", "ref3": "",
                        "branch": "0001", "teller": "0001", "kind": kind, "transaction_code": "001", "cheque_no": "",
                        "amount": Decimal(amount), "cheque_bank_code": "", "biller_id": "099400016550100",
                        "payer_bank_code": "006"}

            lines = [line(0, exact, amount_payable(exact, day)),
                     line(1, short, amount_payable(short, day) - Decimal("100.00")),
                     line(2, over, amount_payable(over, day) + Decimal("250.00")),
                     line(3, None, "500.00", ref1="99999999999")]
            data = build_statement(bank_code="006", company_account="1234567890", company_name="อบจ.แพร่",
                                   effective_date=day, lines=lines)
            statement_reconcile(data=data, name=f"ktb-{day:%Y%m%d}.txt", actor=officer)
            # Yesterday's file: the bank takes back the exact payment (a reversal).
            day = today - datetime.timedelta(days=1)
            reversal = [{**line(0, exact, lines[0]["amount"], kind="D"), "payment_time": datetime.time(15, 0, 0)}]
            data = build_statement(bank_code="006", company_account="1234567890", company_name="อบจ.แพร่",
                                   effective_date=day, lines=reversal)
            statement_reconcile(data=data, name=f"ktb-{day:%Y%m%d}.txt", actor=officer)
            credit = Obligation.objects.get(pk=over.obligation_id)
            credit_refund(obligation=credit, reason="ชำระเกินผ่านธนาคาร คืนให้ผู้ประกอบการ", actor=officer,
                          amount=Decimal("100.00"))
        self.stdout.write(f"  {lao.full_name_th}: a fuel station and a tobacco trader with {len(months)} months of "
                          f"returns, payments, two statement files with exceptions and a refund (the officer home)")

    def _demo_sao_applications(self):
        """A few advertising applications at SAO Kanchana at each step, for its officer home. Once."""
        import datetime

        from django.utils import timezone
        from django_tenants.utils import schema_context

        from tenant_apps.advertising.models import Application, ApplicationEvent, ApplicationStatus

        User = get_user_model()
        lao = LAO.objects.get(dla_code="6540113")
        with schema_context(lao.schema_name):
            if Application.objects.filter(message_gist__startswith="(ตัวอย่าง)").exists():
                return
            applicant, _c = User.objects.get_or_create(national_id="1101700230708", defaults={
                "username": "citizen-demo-somchai", "name_th": "นายสมชาย ใจดี", "name_en": "Somchai Jaidee"})
            now, today = timezone.now(), timezone.localdate()
            steps = [(ApplicationStatus.SUBMITTED, 6, "ลดราคาสินค้าเกษตร"), (ApplicationStatus.SUBMITTED, 1, "งานวัด"),
                     (ApplicationStatus.MORE_INFO, 4, "เปิดร้านใหม่"), (ApplicationStatus.OPINION_GIVEN, 3, "รับสมัครงาน")]
            for status, days, gist in steps:
                application = Application.objects.create(
                    applicant_id=applicant.pk, method="posting", message_gist=f"(ตัวอย่าง) {gist}", width_m="0.60",
                    height_m="0.90", notice_count=5, start_date=today + datetime.timedelta(days=10),
                    end_date=today + datetime.timedelta(days=30), undertakes_removal=True, status=status,
                    submitted_at=now - datetime.timedelta(days=days),
                    decision_due=today + datetime.timedelta(days=15 - days * 2),
                    opinion="เห็นควรอนุญาต" if status == ApplicationStatus.OPINION_GIVEN else "",
                    opinion_at=now - datetime.timedelta(days=1) if status == ApplicationStatus.OPINION_GIVEN else None)
                application.locations.create(description="บอร์ดหน้าตลาดสดตำบลกาญจนา")
                ApplicationEvent.objects.create(application=application, from_status=ApplicationStatus.DRAFT,
                                                to_status=ApplicationStatus.SUBMITTED)
                if status != ApplicationStatus.SUBMITTED:
                    ApplicationEvent.objects.create(application=application, from_status=ApplicationStatus.SUBMITTED,
                                                    to_status=status)
        self.stdout.write(f"  {lao.full_name_th}: advertising applications at each step (the officer home)")

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
