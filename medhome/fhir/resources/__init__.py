"""One module per FHIR resource type; importing it registers the type (registry.register)."""

from . import (  # noqa: F401
    appointment,
    careplan,
    careteam,
    condition,
    consent,
    encounter,
    goal,
    immunization,
    observation,
    organization,
    patient,
    practitioner,
    questionnaire,
    questionnaire_response,
    related_person,
    servicerequest,
    task,
)
