"""The FHIR R4 API at /fhir/ (django-ninja): see api.py."""

from .api import api

app_name = "fhir"

urlpatterns = api.urls[0]
