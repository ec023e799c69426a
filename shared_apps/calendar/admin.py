from django.contrib import admin

from .models import PublicHoliday


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_th"]
    date_hierarchy = "date"
