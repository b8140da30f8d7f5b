"""SMART App Launch: /.well-known/smart-configuration, the OAuth endpoints under /oauth/."""

app_name = "smart"

urlpatterns: list = []
