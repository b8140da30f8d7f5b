# The practice's holidays move from the referral follow-up settings to the practice calendar
# (issue 14 root 10: one calendar for every business-day deadline). Data first, then the field.

import datetime

from django.db import migrations


def default(name):
    # The calendar's defaults as they were when the holidays moved (practices.calendar.DEFAULTS),
    # overridable by the MEDHOME_CALENDAR setting as there.
    from django.conf import settings

    defaults = {"opens_at": "08:00", "closes_at": "17:00", "working_weekdays": [1, 2, 3, 4, 5]}
    return {**defaults, **getattr(settings, "MEDHOME_CALENDAR", {})}[name]


def copy_holidays(apps, schema_editor):
    ReferralSettings = apps.get_model("referrals", "ReferralSettings")
    PracticeCalendar = apps.get_model("practices", "PracticeCalendar")
    for settings in ReferralSettings.objects.exclude(holidays=[]):
        calendar, _created = PracticeCalendar.objects.get_or_create(
            practice_id=settings.practice_id,
            defaults={
                "opens_at": datetime.time.fromisoformat(default("opens_at")),
                "closes_at": datetime.time.fromisoformat(default("closes_at")),
                "working_weekdays": list(default("working_weekdays")),
            },
        )
        calendar.holidays = sorted({*calendar.holidays, *map(str, settings.holidays)})
        calendar.save(update_fields=["holidays"])


def copy_back(apps, schema_editor):
    ReferralSettings = apps.get_model("referrals", "ReferralSettings")
    PracticeCalendar = apps.get_model("practices", "PracticeCalendar")
    for calendar in PracticeCalendar.objects.exclude(holidays=[]):
        ReferralSettings.objects.filter(practice_id=calendar.practice_id).update(
            holidays=calendar.holidays
        )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0002_add_practice_calendar"),
        ("referrals", "0005_status_links_move_to_portal"),
    ]

    operations = [
        migrations.RunPython(copy_holidays, copy_back),
        migrations.RemoveField(model_name="referralsettings", name="holidays"),
    ]
