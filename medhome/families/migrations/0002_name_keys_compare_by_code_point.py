"""Search keys compare by code point on PostgreSQL too (SQLite's default BINARY already does).

With a linguistic collation a range scan "garc" <= key < "gard" is not exactly a prefix match;
with "C" it is, and the B-tree indexes on (practice, key) serve the search.
"""

from django.db import migrations

COLUMNS = ["given_name_key", "family_name_key", "second_family_name_key", "preferred_name_key"]


def set_collation(collation: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE families_child ALTER COLUMN {column} TYPE varchar(100) '
                f'COLLATE "{collation}"'
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial")]

    operations = [migrations.RunPython(set_collation("C"), set_collation("default"))]
