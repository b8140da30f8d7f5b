"""The project's URLs plus this app's, until medhome/urls.py includes them."""

from django.urls import include, path

from medhome.urls import urlpatterns as project

wired = any(getattr(pattern, "namespace", None) == "careplan" for pattern in project)
urlpatterns = list(project) if wired else [path("", include("medhome.careplan.urls")), *project]
