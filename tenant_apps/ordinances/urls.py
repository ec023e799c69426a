from django.urls import path

from . import views

urlpatterns = [path("", views.ordinance_rates, name="ordinance-rates")]
