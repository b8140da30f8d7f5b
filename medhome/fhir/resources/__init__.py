"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import consent, servicerequest, task  # noqa: F401,E402  # Gravity SDOHCC referral
