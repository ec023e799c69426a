from django.contrib import admin

from .models import RevenueDaily


@admin.register(RevenueDaily)
class RevenueDailyAdmin(admin.ModelAdmin):
    list_display = ["day", "lao", "service", "amount", "payments"]
    list_filter = ["service"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
