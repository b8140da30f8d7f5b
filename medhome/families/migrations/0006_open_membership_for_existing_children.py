"""Children registered before attribution existed were counted for ever: give each an open
panel membership from birth, with its primary clinician, so nothing changes for them until the
practice ends a membership."""

from django.db import migrations
from django.utils import timezone


def open_memberships(apps, schema_editor):
    Child = apps.get_model("families", "Child")
    PanelMembership = apps.get_model("families", "PanelMembership")
    now = timezone.now()
    batch = []
    rows = Child.objects.values_list("pk", "practice_id", "date_of_birth", "primary_clinician_id")
    for pk, practice_id, born, clinician_id in rows.iterator(chunk_size=5000):
        batch.append(
            PanelMembership(
                practice_id=practice_id,
                child_id=pk,
                starts_on=born,
                primary_clinician_id=clinician_id,
                created_at=now,
            )
        )
        if len(batch) >= 5000:
            PanelMembership.objects.bulk_create(batch)
            batch = []
    PanelMembership.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("families", "0005_caregiveridentifier_childidentifier_panelmembership")]

    operations = [migrations.RunPython(open_memberships, migrations.RunPython.noop)]
