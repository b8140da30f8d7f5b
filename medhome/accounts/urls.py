from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    # Before allauth's own (medhome/urls.py includes this first), under allauth's URL name.
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
]
