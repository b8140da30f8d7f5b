from django.contrib import admin

from .models import PartnerEndpoint, RemoteTask


@admin.register(PartnerEndpoint)
class PartnerEndpointAdmin(admin.ModelAdmin):
    list_display = ("organization", "base_url", "is_active", "polled_at")
    list_filter = ("is_active",)
    # Only the secrets' names are stored; their values live in settings/env.
    fields = ("organization", "base_url", "token_env", "notify_secret_env", "is_active")
    raw_id_fields = ("organization",)


@admin.register(RemoteTask)
class RemoteTaskAdmin(admin.ModelAdmin):
    list_display = ("referral", "state", "remote_status", "failures", "last_problem_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in RemoteTask._meta.fields]
