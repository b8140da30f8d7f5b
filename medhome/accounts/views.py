from typing import Any

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
