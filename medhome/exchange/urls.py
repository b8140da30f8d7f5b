"""Gravity referral exchange: the subscription notification endpoint partners call."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("exchange/notify/<uuid:endpoint_id>", views.notify, name="notify"),
]
