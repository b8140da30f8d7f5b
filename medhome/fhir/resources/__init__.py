"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import consent, organization, patient, practitioner, related_person, servicerequest, task  # noqa: F401  # noqa: F401,I001  # Gravity SDOHCC referral
