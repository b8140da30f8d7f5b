from django.db import migrations, models

# The columns are added with ALTER TABLE ... ADD COLUMN, not Django's AddField: on SQLite a new
# NOT NULL column with a default makes Django rebuild the table, which the FHIR views over it
# (fhir_observation_row, fhir_condition_row) do not survive. Both databases accept a constant
# default here; Django always writes the value itself.
COLUMNS = (
    ("source_key", "varchar(300)", models.CharField(blank=True, max_length=300)),
    ("content_hash", "varchar(32)", models.CharField(blank=True, max_length=32)),
)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0006_link_reason_for_not_due_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE screening_administration ADD COLUMN {name} {kind} "
                    "NOT NULL DEFAULT ''",
                    f"ALTER TABLE screening_administration DROP COLUMN {name}",
                )
                for name, kind, _field in COLUMNS
            ],
            state_operations=[
                migrations.AddField(model_name="administration", name=name, field=field)
                for name, _kind, field in COLUMNS
            ],
        ),
        migrations.AlterField(
            model_name="administration",
            name="mode",
            field=models.CharField(
                choices=[
                    ("family_link", "Family link before the visit"),
                    ("tablet", "Tablet in clinic"),
                    ("staff_entry", "Entered by staff from a paper form"),
                    ("imported", "Imported from another system"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="administration",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_key", ""), _negated=True),
                fields=("practice", "source_key"),
                name="screening_source_key_unique",
            ),
        ),
    ]
