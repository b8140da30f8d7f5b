"""The PHI audit trail: append-only, hash-chained per practice.

The application cannot change a row once written: save() refuses updates, delete() and the
QuerySet's update()/delete() refuse, and a database trigger (migration 0002) refuses UPDATE and
DELETE on both PostgreSQL and SQLite, so even raw SQL cannot rewrite history.

On PostgreSQL the table is partitioned by month on `at` (migration 0004, `partitions.py`): the
primary key there is (id, at) and the per-practice sequence is unique with `at`, as PostgreSQL
requires the partition key in every unique index; Django still reads `id` as the key. Only the
retention job removes events, a whole month's partition at a time, once older than both the
retention and the legal minimum, leaving a chain anchor behind.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medhome.practices.models import Practice


class AuditTrailIsAppendOnly(Exception):
    pass


class Action(models.TextChoices):
    VIEW = "view", _("opened")
    SEARCH = "search", _("searched")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    EXPORT = "export", _("exported")
    PRINT = "print", _("printed")
    DELETE = "delete", _("removed")  # only the retention job's record of the months it dropped


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be updated")

    def delete(self):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")

    def for_object(self, object_type: str, object_id: object) -> "AuditEventQuerySet":
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEvent(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)  # who, as shown at the time, kept with the row
    role = models.CharField(max_length=40)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # Names of the fields that changed, or counts: never the values themselves.
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "sequence"], name="audit_sequence_unique_in_practice"
            )
        ]
        indexes = [models.Index(fields=["practice", "object_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.practice_id}#{self.sequence} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The last link of each practice's chain; locked while an event is appended."""

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.practice_id}#{self.sequence}"


class AuditChainAnchor(models.Model):
    """Where a practice's chain starts once the retention job has dropped its oldest months: the
    sequence and hash of the last event dropped, so `verify_chain` checks the rest from here
    rather than from genesis. Moved forward only by `partitions.drop_expired`, which records each
    move in the chain itself (an event with action "delete")."""

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    # Every event before this instant (UTC month start) has been dropped.
    dropped_before = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.practice_id} from #{self.sequence}"
