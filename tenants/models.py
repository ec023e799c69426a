"""The LAO registry: every local administrative organization (อปท.) is a tenant.

A LAO is *registered* when the DLA registry is imported, *active* once it is
onboarded (its schema built from its type's template and its domain created)
and may be *suspended* by DLA. Registry rows never build schemas by themselves.
"""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from shared_apps.geography.models import District, Province

from .hostnames import HOSTNAME_RE


class LAOType(models.TextChoices):
    """ประเภท อปท. The values are django-tenants' tenant types (settings.TENANT_TYPES)."""

    PAO = "provincial_admin_org", _("Provincial Administrative Organization")
    CITY_MUNICIPALITY = "city_municipality", _("City Municipality")
    TOWN_MUNICIPALITY = "town_municipality", _("Town Municipality")
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("Subdistrict Municipality")
    SAO = "subdistrict_admin_org", _("Subdistrict Administrative Organization")
    PATTAYA = "special_admin_area", _("Pattaya City")


# The official Thai prefix of each type's full name (the registry holds bare names).
THAI_PREFIX = {
    LAOType.PAO: "องค์การบริหารส่วนจังหวัด",
    LAOType.CITY_MUNICIPALITY: "เทศบาลนคร",
    LAOType.TOWN_MUNICIPALITY: "เทศบาลเมือง",
    LAOType.SUBDISTRICT_MUNICIPALITY: "เทศบาลตำบล",
    LAOType.SAO: "องค์การบริหารส่วนตำบล",
    LAOType.PATTAYA: "",
}


class Service(models.TextChoices):
    """The four services of the platform (DOMAIN.md §3–6)."""

    HOTEL_FEE = "hotel_fee", _("Hotel-guest fee")
    PETROLEUM_TAX = "petroleum_tax", _("Petroleum tax")
    TOBACCO_TAX = "tobacco_tax", _("Tobacco tax")
    ADVERTISING = "advertising", _("Advertising permits")


def services_for_type(lao_type: str) -> list[Service]:
    """Which services a LAO of this type offers: PAOs the three PAO revenues, all others advertising."""
    if lao_type == LAOType.PAO:
        return [Service.HOTEL_FEE, Service.PETROLEUM_TAX, Service.TOBACCO_TAX]
    return [Service.ADVERTISING]


class LAOStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered, not yet onboarded")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


dla_code_validator = RegexValidator(r"^\d{7}$", _("A DLA code is exactly 7 digits."))
hostname_validator = RegexValidator(
    HOSTNAME_RE,
    _("Use 1–63 lowercase letters a–z, digits and hyphens, not starting or ending with a hyphen."),
)


class LAO(TenantMixin):
    """องค์กรปกครองส่วนท้องถิ่น (อปท.): a tenant with its own PostgreSQL schema."""

    auto_create_schema = False  # schemas are built by onboarding, never by saving a registry row
    auto_drop_schema = False

    dla_code = models.CharField(_("DLA code"), max_length=7, unique=True, validators=[dla_code_validator])
    lao_type = models.CharField(_("type"), max_length=32, choices=LAOType.choices, db_index=True)
    name_th = models.CharField(_("Thai name"), max_length=200, db_index=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="laos", verbose_name=_("province"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="laos", null=True, blank=True, verbose_name=_("district")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    hostname = models.CharField(
        _("subdomain"), max_length=63, unique=True, validators=[hostname_validator],
        help_text=_("The LAO's address is <subdomain>.<base domain>."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LAOStatus.choices, default=LAOStatus.REGISTERED, db_index=True
    )
    onboarded_at = models.DateTimeField(_("onboarded at"), null=True, blank=True)
    onboarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dla_code"]
        verbose_name = _("LAO")
        verbose_name_plural = _("LAOs")
        permissions = [("onboard_lao", _("Can onboard a LAO"))]

    def __str__(self):
        return f"{self.full_name_th} ({self.dla_code})"

    def save(self, *args, **kwargs):
        if not self.schema_name:
            self.schema_name = schema_name_for(self.dla_code)
        super().save(*args, **kwargs)

    @property
    def full_name_th(self) -> str:
        """The official Thai name, e.g. องค์การบริหารส่วนตำบลกาญจนา."""
        return f"{THAI_PREFIX.get(self.lao_type, '')}{self.name_th}"

    @property
    def services(self) -> list[Service]:
        return services_for_type(self.lao_type)

    @property
    def host(self) -> str:
        return f"{self.hostname}.{settings.BASE_DOMAIN}"

    @property
    def site_url(self) -> str:
        return f"{settings.PUBLIC_SCHEME}://{self.host}{settings.PUBLIC_PORT}/"


def schema_name_for(dla_code: str) -> str:
    """One schema per LAO, named after its DLA code (stable even if the name or hostname changes)."""
    return f"lao_{dla_code}"


class Domain(DomainMixin):
    """A host name that reaches one LAO's site; the primary one is <hostname>.<BASE_DOMAIN>."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class LAOEvent(models.Model):
    """What happened to a LAO in the registry, by whom and when (never edited)."""

    class Kind(models.TextChoices):
        IMPORTED = "imported", _("Registered by import")
        UPDATED = "updated", _("Updated by import")
        ONBOARDED = "onboarded", _("Onboarded")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        HOSTNAME_CHANGED = "hostname_changed", _("Subdomain changed")

    lao = models.ForeignKey(LAO, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("LAO event")
        verbose_name_plural = _("LAO events")

    def __str__(self):
        return f"{self.lao.dla_code} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class RegistryImport(models.Model):
    """One run of the registry import, with its file's checksum and what it changed."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=8)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")


class SchemaMigrationState(models.Model):
    """Which migrations a LAO schema (or a template) holds, as a digest, kept beside the registry.

    `migrate_schemas` asks this table which schemas are behind the migrations on disk —
    one indexed query — instead of asking each of 7,849 schemas (a catalog scan each).
    Written in the same transaction as whatever changed the schema's migrations: an
    onboarding's copy, a replay, or Django's executor for that schema.
    """

    schema_name = models.CharField(max_length=63, primary_key=True)
    digest = models.CharField(max_length=40, help_text="SHA-1 of the sorted migrations on disk it has applied")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("schema migration state")


class TemplateMigrationSQL(models.Model):
    """The SQL one migration ran on a template schema, to be replayed on every LAO schema behind it.

    Captured when the template is migrated for real; the statements use unqualified names,
    so with a LAO's schema first on the search path they do to it what they did to the
    template. A migration with Python code (RunPython) is not replayable: a schema missing
    it is migrated by Django's executor instead.
    """

    template = models.CharField(max_length=63)
    app = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    replayable = models.BooleanField()
    sql = models.TextField(blank=True)
    captured_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("template migration SQL")
        constraints = [models.UniqueConstraint(fields=["template", "app", "name"], name="one_script_per_migration")]
