from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "medhome.events"
