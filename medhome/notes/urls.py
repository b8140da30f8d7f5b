from django.urls import path

from . import views

app_name = "notes"
urlpatterns = [
    path("children/<uuid:child_id>/notes/", views.child_notes, name="child"),
    path("children/<uuid:child_id>/notes/add/", views.add, name="add"),
    path("notes/handles/", views.suggest, name="suggest"),
    path("notes/<uuid:note_id>/", views.open_note, name="open"),
    path("notes/<uuid:note_id>/retract/", views.retract, name="retract"),
]
