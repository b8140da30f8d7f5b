from django.urls import path

from . import views

app_name = "groupcare"

urlpatterns = [
    path("group-care/", views.cohort_list, name="list"),
    path("group-care/form/", views.form, name="form"),
    path("group-care/cohorts/<uuid:cohort_id>/", views.cohort, name="cohort"),
    path("group-care/cohorts/<uuid:cohort_id>/members/", views.add_member, name="add_member"),
    path("group-care/cohorts/<uuid:cohort_id>/sessions/", views.schedule, name="schedule"),
    path("group-care/cohorts/<uuid:cohort_id>/status/", views.cohort_status, name="status"),
    path("group-care/members/<uuid:cohort_member_id>/leave/", views.leave, name="leave"),
    path("group-care/sessions/<uuid:session_id>/", views.session, name="session"),
    path("group-care/sessions/<uuid:session_id>/book/", views.book_member, name="book_member"),
    path("group-care/attendances/<uuid:attendance_id>/mark/", views.mark, name="mark"),
    path("group-care/attendances/<uuid:attendance_id>/makeup/", views.makeup, name="makeup"),
]
