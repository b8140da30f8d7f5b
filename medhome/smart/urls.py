"""SMART App Launch: /.well-known/smart-configuration, the OAuth endpoints under /oauth/."""

from django.urls import path
from oauth2_provider import views as oauth

from . import manage_views, views

app_name = "smart"

urlpatterns = [
    # conformance.html: discovery at the FHIR base (and at the root, for clients that look there)
    path("fhir/.well-known/smart-configuration", views.smart_configuration, name="configuration"),
    path(".well-known/smart-configuration", views.smart_configuration, name="configuration_root"),
    path("fhir/.well-known/openid-configuration", views.openid_configuration, name="openid"),
    path("oauth/authorize", views.AuthorizeView.as_view(), name="authorize"),
    path("oauth/token", views.SmartTokenView.as_view(), name="token"),
    path("oauth/revoke", oauth.RevokeTokenView.as_view(), name="revoke"),
    path("oauth/introspect", oauth.IntrospectTokenView.as_view(), name="introspect"),
    path("oauth/userinfo", oauth.UserInfoView.as_view(), name="userinfo"),
    path("oauth/jwks", oauth.JwksInfoView.as_view(), name="jwks"),
    path("children/<uuid:child_id>/launch/", views.launch, name="launch"),
    path("practice/apps/", manage_views.apps, name="apps"),
    path("practice/apps/<uuid:client_id>/revoke/", manage_views.revoke, name="revoke_app"),
]
