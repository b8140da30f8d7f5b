from django.db import migrations, models

# Nullable without a default: SQLite then adds the column with ALTER TABLE ... ADD COLUMN instead
# of rebuilding the table, which the FHIR views over it would not survive (see 0007). NULL reads
# as "every domain determined", true of every form scored before.


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0007_imported_screens"),
    ]

    operations = [
        migrations.AddField(
            model_name="administration",
            name="not_determined_domains",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
