"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import observation, questionnaire, questionnaire_response  # noqa: F401, E402
