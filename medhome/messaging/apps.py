from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "medhome.messaging"
    verbose_name = "Reaching families"
