from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("tasks/", views.task_list, name="list"),
    path("tasks/<uuid:task_id>/done/", views.complete, name="complete"),
]
