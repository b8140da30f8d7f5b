"""The project's URLs plus the events app's, until medhome/urls.py includes them."""

from django.urls import include, path

from medhome import urls as root

urlpatterns = list(root.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "events" for pattern in urlpatterns):
    urlpatterns.append(path("", include("medhome.events.urls")))
