"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import organization, patient, practitioner, related_person  # noqa: F401
from . import consent, servicerequest, task  # noqa: F401,I001  # Gravity SDOHCC referral
