"""The demo's caregivers agree to the channel they prefer (messaging consents)."""

from datetime import UTC, datetime

import pytest

from medhome.messaging.models import ContactConsent
from medhome.synth.ehr.demo_load import _contact_consents
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_gives_consent_for_the_channel_each_caregiver_prefers(practice_a):
    _f, _c, texting = factories.register(practice_a)
    _f, _c, calling = factories.register(
        practice_a,
        child=factories.child_values(mrn="M-3"),
        caregiver=factories.caregiver_values(preferred_channel="phone", phone="+16175550100"),
    )

    _contact_consents(practice_a, datetime(2026, 3, 9, tzinfo=UTC))

    assert list(ContactConsent.objects.values_list("caregiver", "channel")) == [
        (texting.pk, "text")
    ]
    assert calling.pk
