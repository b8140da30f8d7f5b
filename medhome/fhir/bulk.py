"""FHIR Bulk Data export (Group/[id]/$export, Patient/$export): kick-off, status, files."""

from ninja import Router

router = Router()
