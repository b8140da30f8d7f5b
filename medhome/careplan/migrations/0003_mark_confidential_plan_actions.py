"""Mark the plan actions that are already an adolescent's own: linked to their confidential
screen or to a referral that is theirs (marked by referrals 0004). Nothing is unmarked."""

from django.db import migrations
from django.db.models import Q


def mark(apps, schema_editor):
    PlanAction = apps.get_model("careplan", "PlanAction")
    PlanAction.objects.filter(
        Q(screening__confidential=True) | Q(referral__confidential=True)
    ).update(confidential=True)


class Migration(migrations.Migration):
    dependencies = [
        ("careplan", "0002_plan_action_confidential"),
        ("referrals", "0004_mark_confidential_referrals"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop, elidable=False)]
