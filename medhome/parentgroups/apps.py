from django.apps import AppConfig


class ParentgroupsConfig(AppConfig):
    name = "medhome.parentgroups"
