"""Messages between the practice and the organization on one referral."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.core.actor import Actor

from ..acting import (
    MESSAGE_MAX_LENGTH,
    MESSAGE_OBJECT,
    acting_user,
    audit,
    locked,
    side_of,
)
from ..models import (
    Referral,
    ReferralMessage,
)


@transaction.atomic
def post_message(*, actor: Actor, referral: Referral, body: str, at: datetime) -> ReferralMessage:
    referral = locked(referral)
    side = side_of(actor, referral)
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Write a message.")]})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": [_("Keep a message under %(n)s characters.") % {"n": MESSAGE_MAX_LENGTH}]}
        )
    message = ReferralMessage.objects.create(
        referral=referral, author=acting_user(actor), side=side, body=body, at=at
    )
    audit(
        actor,
        Action.CREATE,
        MESSAGE_OBJECT,
        message.pk,
        practice=referral.practice,
        at=at,
        fields=["body"],
    )
    return message
