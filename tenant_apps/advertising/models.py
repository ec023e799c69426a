"""Advertising by posting, dropping or scattering notices (การโฆษณาด้วยการปิด ทิ้ง หรือโปรยแผ่นประกาศ).

Public Cleanliness and Orderliness Act B.E. 2535 s.10. Each LAO sets its own
conditions; the statute caps the permit fee at 200 baht.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FEE_CAP = Decimal("200.00")  # the Act's annex: at most 200 baht per permit fee


class FeeBasis(models.TextChoices):
    PER_SIGN = "per_sign", _("per notice")
    PER_PERMIT = "per_permit", _("per permit")


class AdvertisingPolicy(models.Model):
    """The LAO's conditions for advertising permits: one row per LAO schema."""

    fee_basis = models.CharField(_("fee charged"), max_length=16, choices=FeeBasis.choices, default=FeeBasis.PER_SIGN)
    fee_amount = models.DecimalField(
        _("fee (baht)"), max_digits=6, decimal_places=2, default=FEE_CAP,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(FEE_CAP)],
    )
    max_width_m = models.DecimalField(_("maximum width (m)"), max_digits=5, decimal_places=2, default=Decimal("1.20"))
    max_height_m = models.DecimalField(_("maximum height (m)"), max_digits=5, decimal_places=2, default=Decimal("2.40"))
    max_days = models.PositiveIntegerField(_("maximum period (days)"), default=30)
    max_notices = models.PositiveIntegerField(_("maximum notices per application"), default=100)
    apply_days_ahead = models.PositiveIntegerField(_("apply at least (days ahead)"), default=7)
    decision_days = models.PositiveIntegerField(_("decision within (days)"), default=15)
    signer_title = models.CharField(
        _("title of the official who signs orders"), max_length=200, blank=True,
        default="นายกองค์การบริหารส่วนตำบล / นายกเทศมนตรี หรือผู้ที่ได้รับมอบหมาย")
    signer_user_ids = ArrayField(models.BigIntegerField(), default=list, blank=True,
                                 help_text=_("who may sign orders; empty: any officer with the approver role"))
    banned_locations = models.TextField(
        _("places where notices are not allowed"), blank=True,
        default="สะพานลอย วงเวียน เกาะกลางถนน ต้นไม้ เสาไฟฟ้า",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("advertising conditions")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="advertising_policy_single_row"),
            models.CheckConstraint(condition=models.Q(fee_amount__gte=0, fee_amount__lte=FEE_CAP),
                                   name="advertising_fee_within_cap"),
        ]

    def __str__(self):
        return str(_("advertising conditions"))


class Method(models.TextChoices):
    POSTING = "posting", _("Posting")  # ปิด
    DROPPING = "dropping", _("Dropping")  # ทิ้ง
    SCATTERING = "scattering", _("Scattering")  # โปรย


class ApplicantType(models.TextChoices):
    PERSON = "person", _("In my own name")
    JURISTIC = "juristic", _("For a juristic person")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFO = "more_info", _("More information requested")
    OPINION_GIVEN = "opinion_given", _("Officer's opinion given")
    APPROVED = "approved", _("Approved, fee due")
    REFUSED = "refused", pgettext_lazy("permit", "Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ISSUED = "issued", _("Permit issued")
    REVOKED = "revoked", _("Permit revoked")


class Application(models.Model):
    """คำขออนุญาตโฆษณาด้วยการปิด ทิ้ง หรือโปรยแผ่นประกาศ."""

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                                  db_constraint=False)
    applicant_type = models.CharField(_("applying"), max_length=16, choices=ApplicantType.choices,
                                      default=ApplicantType.PERSON)
    juristic_tax_id = models.CharField(_("juristic person's tax ID"), max_length=13, blank=True)
    juristic_name = models.CharField(_("juristic person's name"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    message_gist = models.TextField(_("gist of the message"))
    width_m = models.DecimalField(_("width (m)"), max_digits=5, decimal_places=2)
    height_m = models.DecimalField(_("height (m)"), max_digits=5, decimal_places=2)
    notice_count = models.PositiveIntegerField(_("number of notices"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    undertakes_removal = models.BooleanField(_("I undertake to remove the notices when the permit ends"),
                                             default=False)
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT,
                              db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_due = models.DateField(_("decision due by"), null=True, blank=True)
    info_request = models.TextField(blank=True)
    opinion = models.TextField(_("officer's opinion"), blank=True)  # ความเห็นของเจ้าหน้าที่
    opinion_recommends = models.CharField(max_length=16, blank=True)
    opinion_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)
    opinion_at = models.DateTimeField(null=True, blank=True)
    order_conditions = models.TextField(_("conditions"), blank=True)  # คำสั่งของเจ้าพนักงานท้องถิ่น
    order_reasons = models.TextField(_("reasons"), blank=True)
    order_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                 related_name="+", db_constraint=False)
    order_at = models.DateTimeField(null=True, blank=True)
    # Who signed the order, as the permit prints it: kept as signed, whatever later becomes of the account.
    order_signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    order_signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    fee_amount = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("advertising application")
        verbose_name_plural = _("advertising applications")

    def __str__(self):
        return f"#{self.pk} {self.get_method_display()} ×{self.notice_count}"


class ApplicationLocation(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="locations")
    description = models.CharField(_("place"), max_length=300)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)


def _document_path(document, filename):
    """Per LAO: files live under the LAO's schema name and are served only through a checked view."""
    import uuid
    from pathlib import PurePath

    from django.db import connection

    return f"{connection.schema_name}/advertising/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class DocumentKind(models.TextChoices):
    SAMPLE = "sample", _("Sample of the notice")
    CONSENT = "consent", _("Landowner's consent")
    ID_DOCUMENT = "id_document", _("ID or company documents")
    REMOVAL_PHOTO = "removal_photo", _("Photo showing the notices removed")


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                                    db_constraint=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ApplicationEvent(models.Model):
    """The application's history: each change of state with who, when and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, related_name="+",
                              db_constraint=False)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def status_label(self) -> str:
        """The state it moved to, as people read it (the code is for machines)."""
        try:
            return ApplicationStatus(self.to_status).label
        except ValueError:
            return self.to_status


class PermitStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    NOT_YET_VALID = "not_yet_valid", _("Not yet in force")


class Permit(models.Model):
    """ใบอนุญาต: numbered per LAO per fiscal year (1 October – 30 September, Buddhist-era year)."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="permit")
    fiscal_year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    valid_from = models.DateField()
    valid_to = models.DateField()
    method = models.CharField(max_length=16, choices=Method.choices)
    notice_count = models.PositiveIntegerField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)
    revoke_reasons = models.TextField(blank=True)
    removal_confirmed_at = models.DateTimeField(null=True, blank=True)
    removal_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                                             blank=True, related_name="+", db_constraint=False)
    removal_evidence = models.CharField(max_length=16, blank=True)  # "photo" by the holder, "officer_check"
    last_reminder_on = models.DateField(null=True, blank=True)  # no longer written: reminders are logged by notifications

    class Meta:
        ordering = ["-fiscal_year", "-number"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "number"], name="one_permit_number_per_year")]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.number}/{self.fiscal_year}"

    def status_on(self, day) -> str:
        if self.revoked_at:
            return PermitStatus.REVOKED
        if day < self.valid_from:
            return PermitStatus.NOT_YET_VALID
        if day > self.valid_to:
            return PermitStatus.EXPIRED
        return PermitStatus.VALID


class PermitCounter(models.Model):
    """The last permit number given in a fiscal year; locked while the next is taken."""

    fiscal_year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)
