"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import appointment, careplan, careteam, condition, encounter, goal  # noqa: F401
