"""The synthetic EHR's vocabulary: identifier systems and the codes its resources carry.

Code systems are the ones US EHRs send (CVX, LOINC, SNOMED CT, ICD-10-CM, RxNorm ingredients,
CPT for screening procedures as docs/clinical-rules.md#ehr-completions names them). The
identifier systems are the synthetic EHR's own, under example.org (RFC 2606): never a real
organisation's namespace.
"""

from dataclasses import dataclass

# --- Code systems ---------------------------------------------------------------------------
CVX = "http://hl7.org/fhir/sid/cvx"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"  # identifier type (MR = MRN)
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
COVERAGE_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SUBSCRIBER_RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
LANGUAGE = "urn:ietf:bcp:47"
CDC_RACE = "urn:oid:2.16.840.1.113883.6.238"
US_CORE_RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
US_CORE_ETHNICITY = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"
US_CORE_BIRTHSEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"

# --- The synthetic EHR's identifier systems -------------------------------------------------
ID_BASE = "http://synthetic-ehr.example.org/id"
MRN_SYSTEM = f"{ID_BASE}/mrn"
CAREGIVER_SYSTEM = f"{ID_BASE}/related-person"
COVERAGE_SYSTEM = f"{ID_BASE}/coverage"
ENCOUNTER_SYSTEM = f"{ID_BASE}/encounter"
APPOINTMENT_SYSTEM = f"{ID_BASE}/appointment"
RECORD_SYSTEM = f"{ID_BASE}/record"  # immunizations, observations, procedures, problems…
STAFF_SYSTEM = f"{ID_BASE}/staff"
LOCATION_SYSTEM = f"{ID_BASE}/location"
PAYER_SYSTEM = f"{ID_BASE}/payer"


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


# --- Immunizations: the routine childhood schedule (CDC/ACIP), ages in months ---------------
@dataclass(frozen=True)
class Vaccine:
    cvx: str
    display: str
    ages_months: tuple[int, ...]


VACCINES = (
    Vaccine("08", "Hep B, adolescent or pediatric", (0, 1, 6)),
    Vaccine("116", "rotavirus, pentavalent", (2, 4, 6)),
    Vaccine("20", "DTaP", (2, 4, 6, 15, 48)),
    Vaccine("48", "Hib (PRP-T)", (2, 4, 6, 12)),
    Vaccine("133", "Pneumococcal conjugate PCV 13", (2, 4, 6, 12)),
    Vaccine("10", "IPV", (2, 4, 6, 48)),
    Vaccine("03", "MMR", (12, 48)),
    Vaccine("21", "varicella", (12, 48)),
    Vaccine("83", "Hep A, ped/adol, 2 dose", (12, 18)),
    Vaccine("115", "Tdap", (132,)),
    Vaccine("165", "HPV9", (132, 138)),
    Vaccine("114", "meningococcal MCV4P", (132, 192)),
)
INFLUENZA = Vaccine("150", "Influenza, injectable, quadrivalent, preservative free", ())

# --- Observations ---------------------------------------------------------------------------
WEIGHT = Code(LOINC, "29463-7", "Body weight")
LENGTH = Code(LOINC, "8306-3", "Body height --lying")
HEIGHT = Code(LOINC, "8302-2", "Body height")
HEAD_CIRCUMFERENCE = Code(LOINC, "9843-4", "Head Occipital-frontal circumference")
BMI = Code(LOINC, "39156-5", "Body mass index (BMI) [Ratio]")
LEAD = Code(LOINC, "5671-3", "Lead [Mass/volume] in Blood")
HEMOGLOBIN = Code(LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood")
NEWBORN_HEARING = Code(LOINC, "54109-4", "Newborn hearing screen panel")
HEARING_SCREEN = Code(CPT, "92551", "Screening test, pure tone, air only")
VISION_SCREEN = Code(CPT, "99173", "Screening test of visual acuity, quantitative, bilateral")
VISION_INSTRUMENT = Code(CPT, "99177", "Instrument-based ocular screening, on-site analysis")
PASS = Code(INTERPRETATION, "N", "Normal")
REFER = Code(INTERPRETATION, "A", "Abnormal")

# --- Procedures -----------------------------------------------------------------------------
FLUORIDE_VARNISH = Code(SNOMED, "234723000", "Dental application of fluoride varnish")
FLUORIDE_VARNISH_CPT = Code(CPT, "99188", "Application of topical fluoride varnish")


# --- Problems, allergies, medications -------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    snomed: Code
    icd10: Code
    share: float  # of children old enough
    from_months: int
    resolves: bool = False


PROBLEMS = (
    Problem(
        Code(SNOMED, "195967001", "Asthma"),
        Code(ICD10, "J45.909", "Unspecified asthma, uncomplicated"),
        0.08,
        24,
    ),
    Problem(
        Code(SNOMED, "24079001", "Atopic dermatitis"),
        Code(ICD10, "L20.9", "Atopic dermatitis, unspecified"),
        0.12,
        2,
    ),
    Problem(
        Code(SNOMED, "406506008", "Attention deficit hyperactivity disorder"),
        Code(ICD10, "F90.9", "Attention-deficit hyperactivity disorder, unspecified type"),
        0.07,
        72,
    ),
    Problem(
        Code(SNOMED, "65363002", "Otitis media"),
        Code(ICD10, "H66.90", "Otitis media, unspecified, unspecified ear"),
        0.2,
        6,
        resolves=True,
    ),
)
OBESITY = Problem(
    Code(SNOMED, "414916001", "Obesity"), Code(ICD10, "E66.9", "Obesity, unspecified"), 0, 24
)
NO_KNOWN_ALLERGY = Code(SNOMED, "716186003", "No known allergy")
# (substance, share of children, criticality)
ALLERGENS = (
    (Code(SNOMED, "256349002", "Peanut"), 0.025, "high"),
    (Code(SNOMED, "102263004", "Eggs (edible)"), 0.015, "low"),
    (Code(SNOMED, "3718001", "Cow's milk"), 0.015, "low"),
    (Code(SNOMED, "372687004", "Amoxicillin"), 0.04, "low"),
)
# RxNorm ingredients, by the problem they treat (SNOMED code) or None for anyone.
MEDICATIONS = {
    "195967001": (
        Code(RXNORM, "435", "albuterol"),
        "2 puffs by inhaler every 4 hours as needed for wheezing",
    ),
    "24079001": (
        Code(RXNORM, "5492", "hydrocortisone"),
        "Apply 1% cream thinly twice a day to itchy patches",
    ),
    "406506008": (Code(RXNORM, "6901", "methylphenidate"), "Once each morning"),
}
CETIRIZINE = (Code(RXNORM, "20610", "cetirizine"), "Once a day as needed for allergies")

# --- Coverage -------------------------------------------------------------------------------
# medhome payer → (v3-ActCode type, the synthetic payer's name)
COVERAGE_TYPES = {
    "medicaid": (Code(ACT_CODE, "SUBSIDIZ", "subsidized health program"), "Synthetic Medicaid"),
    "chip": (Code(ACT_CODE, "SUBSIDIZ", "subsidized health program"), "Synthetic CHIP"),
    "commercial": (Code(ACT_CODE, "EHCPOL", "extended healthcare"), "Synthetic Health Plan"),
    "other": (Code(ACT_CODE, "PUBLICPOL", "public healthcare"), "Synthetic TRICARE"),
}

# --- Caregivers -----------------------------------------------------------------------------
RELATIONSHIPS = {
    "mother": Code(ROLE_CODE, "MTH", "mother"),
    "father": Code(ROLE_CODE, "FTH", "father"),
    "parent": Code(ROLE_CODE, "PRN", "parent"),
    "grandmother": Code(ROLE_CODE, "GRMTH", "grandmother"),
    "grandfather": Code(ROLE_CODE, "GRFTH", "grandfather"),
    "aunt_uncle": Code(ROLE_CODE, "EXT", "extended family member"),
    "foster_parent": Code(ROLE_CODE, "FSTPRN", "foster parent"),
    "guardian": Code(ROLE_CODE, "GUARD", "guardian"),
    "other": Code(ROLE_CODE, "FAMMEMB", "family member"),
}
RELATIONSHIP_TEXT = {
    "mother": "Mother",
    "father": "Father",
    "parent": "Parent",
    "grandmother": "Grandmother",
    "grandfather": "Grandfather",
    "aunt_uncle": "Aunt or uncle",
    "foster_parent": "Foster parent",
    "guardian": "Legal guardian",
    "other": "Other",
}
LEGAL_GUARDIAN = Code(ROLE_CODE, "GUARD", "guardian")
# The caregiver who gave birth (CMS82 counts her depression screen): natural mother.
BIRTH_MOTHER = Code(ROLE_CODE, "NMTH", "natural mother")
