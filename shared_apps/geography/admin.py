from django.contrib import admin

from .models import District, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name_th", "name_en"]
