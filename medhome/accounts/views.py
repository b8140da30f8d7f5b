from typing import Any

from allauth.account.views import LogoutView as AllauthLogoutView
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A new colleague chooses their password through the one-time link the admin shared."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("account_login")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is set. Log in with it now."))
        return super().form_valid(form)


# What the browser kept of the signed-in pages (its HTTP cache, local and session storage) is
# dropped at sign-out, on a shared clinic computer too (ASVS V8.2.3). Cookies are not named: the
# session is already ended server-side, and the language choice should outlive it.
CLEAR_SITE_DATA = '"cache", "storage"'


class LogoutView(AllauthLogoutView):
    """allauth's sign-out, answered with Clear-Site-Data."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
