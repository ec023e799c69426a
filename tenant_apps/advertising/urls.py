from django.urls import path

from . import views

urlpatterns = [path("", views.advertising_conditions, name="advertising-conditions")]
