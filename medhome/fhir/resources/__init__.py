"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import organization, patient, practitioner, related_person  # noqa: F401
