"""Code systems and the codes medhome reads from an EHR, each with its source.

- LOINC (https://loinc.org): the vital-sign codes are those of the FHIR R4 vital signs profile
  (http://hl7.org/fhir/R4/observation-vitalsigns.html): 29463-7 body weight, 8302-2 body height,
  8306-3 body height lying (length), 9843-4 head occipital-frontal circumference, 39156-5 BMI,
  85354-9 blood pressure panel with 8480-6 systolic and 8462-4 diastolic. Laboratory: 5671-3 lead
  in blood, 77307-7 lead in venous blood, 10368-9 lead in capillary blood, 718-7 hemoglobin in
  blood. Sensory screens: LOINC 54108-6 / 54109-4 (newborn hearing screen, left / right ear);
  a vision or hearing screen coded by its CPT (below) is read as well, from an Observation or a
  Procedure.
- CPT (AMA): 99188 topical fluoride varnish; 99173 visual acuity screening, 99174 and 99177
  instrument-based ocular screening; 92551 pure-tone hearing screening, 92552 pure-tone
  audiometry, 92558 / 92587 otoacoustic emissions, 92650 auditory evoked potentials screening.
- SNOMED CT: 234723000 application of fluoride varnish (procedure); 716186003 no known allergy.
- CVX (CDC, http://hl7.org/fhir/sid/cvx): vaccine codes as sent.
"""

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
CVX = "http://hl7.org/fhir/sid/cvx"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
# A Condition's category: problem-list-item | encounter-diagnosis (FHIR R4), health-concern
# (US Core 7).
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
US_CORE_CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"
# An Observation's category: vital-signs | laboratory | exam | survey … (FHIR R4).
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# LOINC → ObservationKind value.
OBSERVATION_KINDS = {
    "29463-7": "weight",
    "3141-9": "weight",  # body weight, measured
    "8302-2": "height",
    "8308-9": "height",  # body height, standing
    "8306-3": "length",  # body height, lying: recumbent length under 2 years
    "9843-4": "head_circumference",
    "8287-5": "head_circumference",  # head circumference by tape measure
    "39156-5": "bmi",
    "8480-6": "bp_systolic",
    "8462-4": "bp_diastolic",
    "5671-3": "lead",
    "77307-7": "lead",
    "10368-9": "lead",
    "718-7": "hemoglobin",
    "54108-6": "hearing",
    "54109-4": "hearing",
}
BP_PANEL = "85354-9"
VISION_SCREENING_CPT = frozenset({"99173", "99174", "99177"})
HEARING_SCREENING_CPT = frozenset({"92551", "92552", "92558", "92587", "92650"})
# A vision or hearing screen sent as an Observation coded by its CPT.
OBSERVATION_KINDS.update(dict.fromkeys(VISION_SCREENING_CPT, "vision"))
OBSERVATION_KINDS.update(dict.fromkeys(HEARING_SCREENING_CPT, "hearing"))
FLUORIDE_VARNISH = frozenset({(SNOMED, "234723000"), (CPT, "99188")})
NO_KNOWN_ALLERGY = "716186003"
