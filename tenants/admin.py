"""DLA's administration of the registry (public schema): onboard, suspend, edit subdomains."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import LAO, Domain, LAOEvent, RegistryImport
from .selectors import forget_hosts
from .services import OnboardingError, lao_change_hostname, onboard_lao


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    readonly_fields = ["domain", "is_primary"]
    can_delete = False


class LAOEventInline(admin.TabularInline):
    model = LAOEvent
    extra = 0
    readonly_fields = ["kind", "actor", "at", "detail"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LAOAdminForm(forms.ModelForm):
    class Meta:
        model = LAO
        fields = ["name_en", "hostname"]


@admin.register(LAO)
class LAOAdmin(admin.ModelAdmin):
    form = LAOAdminForm
    list_display = ["dla_code", "full_name_th", "lao_type", "province", "hostname", "status"]
    list_filter = ["status", "lao_type", "province"]
    search_fields = ["dla_code", "name_th", "name_en", "hostname"]
    list_select_related = ["province"]
    readonly_fields = ["dla_code", "lao_type", "name_th", "province", "district", "latitude", "longitude",
                       "area_km2", "schema_name", "status", "onboarded_at", "onboarded_by"]
    fields = readonly_fields[:3] + ["name_en", "hostname"] + readonly_fields[3:]
    inlines = [DomainInline, LAOEventInline]
    actions = ["onboard_selected"]
    show_full_result_count = False  # 7,849 rows: skip the extra COUNT(*)

    def has_add_permission(self, request):
        return False  # LAOs come from DLA's registry import

    def has_delete_permission(self, request, obj=None):
        return False  # LAOs are suspended, never deleted

    def save_model(self, request, obj, form, change):
        # The subdomain goes through the service so the domain and the record follow.
        new_hostname = form.cleaned_data["hostname"]
        obj.hostname = LAO.objects.get(pk=obj.pk).hostname
        LAO.objects.filter(pk=obj.pk).update(name_en=form.cleaned_data["name_en"])
        forget_hosts([obj.host, *obj.domains.values_list("domain", flat=True)])  # update() sends no signal
        try:
            lao_change_hostname(lao=obj, hostname=new_hostname, actor=request.user)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)

    @admin.action(description=_("Onboard the selected LAOs (build schema, create domain, activate)"),
                  permissions=["onboard"])
    def onboard_selected(self, request, queryset):
        done, already = 0, 0
        for lao in queryset.order_by("dla_code"):
            try:
                if onboard_lao(lao=lao, actor=request.user):
                    done += 1
                else:
                    already += 1
            except OnboardingError as error:
                self.message_user(request, str(error), messages.ERROR)
        if done:
            self.message_user(request, ngettext("%d LAO onboarded.", "%d LAOs onboarded.", done) % done,
                              messages.SUCCESS)
        if already:
            self.message_user(request, ngettext("%d LAO was already onboarded.", "%d LAOs were already onboarded.",
                                                already) % already, messages.INFO)

    def has_onboard_permission(self, request):
        return request.user.has_perm("tenants.onboard_lao")


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    list_display = ["at", "file_name", "file_format", "created", "updated", "unchanged", "actor"]
    readonly_fields = [f.name for f in RegistryImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
