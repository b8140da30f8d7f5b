"""A confidential visit (the adolescent's own care) gets no reminder on a parent's channel."""

import pytest

from medhome.messaging.gateways import locmem
from medhome.messaging.models import Message, MessageStatus
from medhome.messaging.services.planning import plan_visit_reminders
from medhome.messaging.services.sending import send_due_messages
from medhome.visits.models import Visit
from tests import factories

from .helpers import AT, DAY, VISIT_AT, consent, family

pytestmark = pytest.mark.django_db
EVENING = AT.replace(hour=17, minute=5)


def test_a_confidential_visit_is_never_planned(practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    visit = factories.schedule_visit(child, at=VISIT_AT)
    Visit.objects.filter(pk=visit.pk).update(confidential=True)

    assert plan_visit_reminders(practice=practice_a, day=DAY, at=AT).created == 0
    assert not Message.objects.exists()


def test_a_visit_made_confidential_after_planning_is_not_sent(practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    visit = factories.schedule_visit(child, at=VISIT_AT)
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)
    Visit.objects.filter(pk=visit.pk).update(confidential=True)

    assert send_due_messages(at=EVENING) == 0
    assert locmem.outbox == []
    message = Message.objects.get()
    assert (message.status, message.error_code) == (MessageStatus.SUPPRESSED, "confidential")
