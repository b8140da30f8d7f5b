"""Gravity referral exchange: the subscription notification endpoint partners call."""

app_name = "exchange"

urlpatterns: list = []
