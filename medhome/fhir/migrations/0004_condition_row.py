from django.db import migrations, models

# The rows served as FHIR Condition (medhome/fhir/models.py ConditionRow): a problem the EHR
# sent, and a social-needs health concern for each positive domain of a scored screen (the
# SDOHCC Condition a screen generates, ../shared/docs/domain/interop-codes.md §1.2: category
# health-concern + sdoh, verificationStatus unconfirmed). A NULL in the first branch takes the
# type of the second (UNION type resolution); `x.id IS NULL` is a portable false;
# CAST(json AS TEXT) LIKE '%"food"%' reads the domains list on both databases (as the measures
# do, measures/screening_measures.positive_for).
#
# A concern's id is its screen's id with the version digit (the 13th hex digit) replaced by the
# domain's digit (models.CONCERN_DOMAINS, models.concern_id): unique per screen and domain,
# stable, and never equal to a random (version 4) id. Only the id expression differs between
# the two databases (SQLite keeps a UUID as 32 hex digits, PostgreSQL as uuid).
#
# Clinical status: active until a newer screen with the same instrument is scored for the child
# (on a later day), inactive from that day (abated_on).
DOMAINS = " UNION ALL ".join(
    f"SELECT '{domain}' AS domain, '{digit}' AS digit"
    for domain, digit in {
        "food": "a",
        "housing": "b",
        "transportation": "c",
        "utilities": "d",
    }.items()
)
CONCERN_ID = {
    "sqlite": "substr(a.id, 1, 12) || d.digit || substr(a.id, 14)",
    "postgresql": "CAST(overlay(CAST(a.id AS TEXT) PLACING d.digit FROM 15 FOR 1) AS uuid)",
}
VIEW = """
CREATE VIEW fhir_condition_row AS
SELECT c.id AS id, c.practice_id AS practice_id, c.child_id AS child_id,
       'ehr' AS source, c.id AS ehr_condition_id, NULL AS administration_id,
       '' AS domain, c.clinical_status AS clinical_status,
       c.code_system AS code_system, c.code AS code,
       c.onset_on AS onset_on, NULL AS abated_on, c.id IS NULL AS confidential,
       c.imported_at AS updated_at
  FROM ehr_condition c
UNION ALL
SELECT s.id, s.practice_id, s.child_id,
       'screening', NULL, s.administration_id,
       s.domain, CASE WHEN s.abated_on IS NULL THEN 'active' ELSE 'inactive' END,
       '', '',
       s.onset_on, s.abated_on, s.confidential,
       s.updated_at
  FROM (SELECT {concern_id} AS id, a.practice_id AS practice_id, a.child_id AS child_id,
               a.id AS administration_id, d.domain AS domain,
               a.administered_on AS onset_on,
               (SELECT MIN(n.administered_on) FROM screening_administration n
                 WHERE n.child_id = a.child_id AND n.instrument_key = a.instrument_key
                   AND n.status = 'scored' AND n.administered_on > a.administered_on
               ) AS abated_on,
               a.confidential AS confidential, a.updated_at AS updated_at
          FROM screening_administration a
          JOIN ({domains}) d
            ON CAST(a.positive_domains AS TEXT) LIKE ('%"' || d.domain || '"%')
         WHERE a.status = 'scored') s
"""


def create_view(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = VIEW.format(concern_id=CONCERN_ID[vendor], domains=DOMAINS)
    schema_editor.execute(sql, params=None)  # None: its "%" are LIKE wildcards, not placeholders


def drop_view(apps, schema_editor):
    schema_editor.execute("DROP VIEW IF EXISTS fhir_condition_row")


class Migration(migrations.Migration):
    dependencies = [
        ("fhir", "0003_encounter_row"),
        ("screening", "0006_link_reason_for_not_due_only"),
        ("ehr", "0002_source_digest"),
    ]

    operations = [
        migrations.RunPython(create_view, drop_view),
        migrations.CreateModel(
            name="ConditionRow",
            fields=[
                ("id", models.UUIDField(primary_key=True, serialize=False)),
                (
                    "source",
                    models.CharField(
                        choices=[("ehr", "Ehr"), ("screening", "Screening")], max_length=10
                    ),
                ),
                ("domain", models.CharField(max_length=20)),
                ("clinical_status", models.CharField(max_length=20)),
                ("code_system", models.CharField(max_length=100)),
                ("code", models.CharField(max_length=20)),
                ("onset_on", models.DateField(null=True)),
                ("abated_on", models.DateField(null=True)),
                ("confidential", models.BooleanField()),
                ("updated_at", models.DateTimeField()),
            ],
            options={
                "db_table": "fhir_condition_row",
                "managed": False,
            },
        ),
    ]
