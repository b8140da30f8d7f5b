from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("children/<uuid:child_id>/visits/book/", views.book, name="book"),
    path("visits/<uuid:visit_id>/move/", views.move, name="move"),
    path("visits/<uuid:visit_id>/cancel/", views.cancel, name="cancel"),
    path("visits/<uuid:visit_id>/mark/", views.mark, name="mark"),
]
