from django.urls import path

from . import chart_views

app_name = "programs"

_CHILD = "children/<uuid:child_id>/programs/<uuid:program_id>/"
urlpatterns = [
    path(_CHILD + "offer/", chart_views.offer, name="offer"),
    path(_CHILD + "enrol/", chart_views.enrol, name="enrol"),
    path(_CHILD + "contact/", chart_views.contact, name="contact"),
    path(
        "enrolments/<uuid:enrolment_id>/",
        chart_views.enrolment_action,
        name="enrolment_action",
    ),
]
