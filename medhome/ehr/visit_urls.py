from django.urls import path

from . import visit_views

app_name = "visit_rows"

urlpatterns = [
    path("children/<uuid:child_id>/visit/guidance/", visit_views.guidance, name="guidance"),
    path("children/<uuid:child_id>/visit/elsewhere/", visit_views.elsewhere, name="elsewhere"),
    path(
        "children/<uuid:child_id>/visit/immunization/",
        visit_views.immunization,
        name="immunization",
    ),
]
