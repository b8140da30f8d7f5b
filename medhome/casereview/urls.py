from django.urls import path

from . import views

app_name = "casereview"
urlpatterns = [
    path("case-review/", views.review_list, name="list"),
    path("case-review/families/<uuid:family_id>/", views.family, name="family"),
    path("case-review/programs/<uuid:program_id>/", views.program, name="program"),
]
