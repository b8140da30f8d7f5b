from django.urls import path

from . import views

app_name = "nextsteps"
urlpatterns = [
    path("next-steps/<uuid:step_id>/task/", views.make_task, name="make_task"),
    path("next-steps/<uuid:step_id>/refer/", views.refer, name="refer"),
    path("next-steps/<uuid:step_id>/done/", views.mark_done, name="mark_done"),
    path("next-steps/<uuid:step_id>/decline/", views.decline, name="decline"),
]
