from django.urls import path

from . import views

app_name = "huddle"
urlpatterns = [
    path("huddle/", views.sheet, name="sheet"),
    path("huddle/pdf/", views.sheet_pdf, name="pdf"),
]
