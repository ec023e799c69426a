from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits the trail."""

    list_display = ["at", "action", "actor_label", "lao_code", "ip_address", "target"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target", "lao_code"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
