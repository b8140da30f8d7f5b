"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import organization, patient, practitioner, related_person  # noqa: F401
from . import appointment, careplan, careteam, condition, encounter, goal  # noqa: F401
