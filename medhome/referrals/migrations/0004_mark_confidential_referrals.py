"""Mark the referrals that are already an adolescent's own
(docs/clinical-rules.md#adolescent-confidentiality): started from their confidential screen, or
consented by the adolescent themself. Nothing is unmarked."""

from django.db import migrations
from django.db.models import Q


def mark(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(
        Q(source_administration__confidential=True) | Q(consent__given_by_adolescent=True)
    ).update(confidential=True)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_referral_confidential"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop, elidable=False)]
