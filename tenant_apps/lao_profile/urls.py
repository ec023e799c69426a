from django.urls import path

from . import views

urlpatterns = [path("", views.lao_home, name="lao-home")]
