from django.urls import path

from . import views

# No namespace: `readyz` sits beside core's `healthz`, and probes and monitoring name it so.
urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
]
