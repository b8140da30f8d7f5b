"""The FHIR REST interactions for every registered type: read, search, history, metadata."""

from ninja import Router

router = Router()
