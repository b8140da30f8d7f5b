from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("tasks/", views.task_list, name="list"),
    path("tasks/<uuid:task_id>/done/", views.complete, name="complete"),
    path("tasks/<uuid:task_id>/reassign/", views.reassign, name="reassign"),
    path("tasks/<uuid:task_id>/snooze/", views.snooze, name="snooze"),
    path("children/<uuid:child_id>/tasks/add/", views.add, name="add"),
]
