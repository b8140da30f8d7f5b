from django.urls import path

from . import views

app_name = "improvement"

urlpatterns = [
    path("improvement/", views.cycle_list, name="list"),
    path("improvement/new/", views.new, name="new"),
    path("improvement/network/", views.network, name="network"),
    path("improvement/network/adopt/", views.adopt, name="adopt"),
    path("improvement/<uuid:cycle_id>/", views.detail, name="detail"),
    path("improvement/<uuid:cycle_id>/edit/", views.edit, name="edit"),
    path("improvement/<uuid:cycle_id>/stage/", views.stage, name="stage"),
]
