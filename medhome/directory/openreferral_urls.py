"""The Open Referral HSDS 3.0 API (read-only) at /openreferral/."""


app_name = "openreferral"

urlpatterns: list = []
