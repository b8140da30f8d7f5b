from django.db import migrations, models


def earlier_links_keep_their_reading(apps, schema_editor):
    # Links sent before this field applied their reason to every screener on them; which of
    # those were not due was not recorded, so they keep that reading.
    LinkScreeners = apps.get_model("screening", "LinkScreeners")
    for row in LinkScreeners.objects.exclude(override_reason=""):
        row.not_due = list(row.instruments)
        row.save(update_fields=["not_due"])


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0005_alert_escalation_and_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="linkscreeners",
            name="not_due",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(earlier_links_keep_their_reading, migrations.RunPython.noop),
    ]
