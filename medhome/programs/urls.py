from django.urls import path

from . import caseload_views, chart_views, views, work_views

app_name = "programs"

_CHILD = "children/<uuid:child_id>/programs/<uuid:program_id>/"
urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/caseload/", caseload_views.caseload_page, name="caseload"),
    path("programs/add/", views.add, name="add"),
    path("programs/own/", views.add_own, name="add_own"),
    path("programs/<uuid:program_id>/", views.detail, name="detail"),
    path("programs/<uuid:program_id>/running/", views.running, name="running"),
    path(_CHILD + "offer/", chart_views.offer, name="offer"),
    path(_CHILD + "enrol/", chart_views.enrol, name="enrol"),
    path(_CHILD + "contact/", chart_views.contact, name="contact"),
    path("enrolments/<uuid:enrolment_id>/", chart_views.enrolment_action, name="enrolment_action"),
    # A program's family page, without the chart (docs/clinical-rules.md#parent-partners).
    path("programs/families/<uuid:child_id>/", work_views.family_page, name="family_page"),
    path(
        "programs/families/<uuid:child_id>/<uuid:program_id>/contact/",
        work_views.family_contact,
        name="family_contact",
    ),
]
