"""The synthetic EHR: the synthetic population as a FHIR R4 Bulk Data export (NDJSON, one file
per resource type) and a clinic day as HL7 v2 SIU messages, so the demo and the benchmarks load
through the same import paths as a practice's real EHR."""
