"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import immunization, organization, patient, practitioner  # noqa: F401
