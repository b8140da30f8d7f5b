"""Bad input answers with one clear message and saves nothing, on the pages and in the services."""

import html
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from medhome.audit.models import AuditEvent
from medhome.families import services
from medhome.families.models import AvailabilityWindow, Caregiver, Child, Family
from medhome.families.services import Window

from . import factories

pytestmark = pytest.mark.django_db

# Noon in Boston (EST), so the local and the UTC date are the same day.
NOON = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)
TODAY = date(2026, 1, 14)
TOMORROW = TODAY + timedelta(days=1)

ZIP_MESSAGE = "Enter a US ZIP code: five digits, or ZIP+4 such as 02128-1234."
STALE_MESSAGE = (
    "Someone else saved this record while you were editing. Your changes were not saved: "
    "review the current values and try again."
)

# (case, values typed, field, message): the same on the pages and in the services.
CHILD_CASES = [
    (
        "future-birth-date",
        {"date_of_birth": TOMORROW},
        "date_of_birth",
        "The date of birth cannot be in the future.",
    ),
    (
        "duplicate-mrn",
        {"mrn": "SG-100234"},
        "mrn",
        "Another child in this practice already has this MRN.",
    ),
    (
        "duplicate-mrn-other-case",
        {"mrn": " sg-100234 "},
        "mrn",
        "Another child in this practice already has this MRN.",
    ),
    (
        "language-zz",
        {"preferred_language": "zz"},
        "preferred_language",
        "“zz” is not a known language code. Use an ISO 639 code such as “es” or “vi”.",
    ),
    (
        "language-klingon",
        {"preferred_language": "klingon"},
        "preferred_language",
        "“klingon” is not a language code. Use an ISO 639 code such as “es” or “vi”.",
    ),
    (
        "gestational-age-21",
        {"gestational_age_weeks": 21},
        "gestational_age_weeks",
        "Ensure this value is greater than or equal to 22.",
    ),
    (
        "gestational-age-45",
        {"gestational_age_weeks": 45},
        "gestational_age_weeks",
        "Ensure this value is less than or equal to 44.",
    ),
    (
        "gestational-days-7",
        {"gestational_age_weeks": 36, "gestational_age_days": 7},
        "gestational_age_days",
        "Ensure this value is less than or equal to 6.",
    ),
    (
        "gestational-days-without-weeks",
        {"gestational_age_days": 3},
        "gestational_age_days",
        "Give the completed weeks as well as the days.",
    ),
    ("zip-four-digits", {"zip_code": "0212"}, "zip_code", ZIP_MESSAGE),
    ("zip-letters", {"zip_code": "ABCDE"}, "zip_code", ZIP_MESSAGE),
    ("zip-plus-three", {"zip_code": "02128-123"}, "zip_code", ZIP_MESSAGE),
    (
        "medicaid-without-member-id",
        {"payer": "medicaid", "payer_member_id": ""},
        "payer_member_id",
        "Medicaid and CHIP need the member ID.",
    ),
    (
        "chip-without-member-id",
        {"payer": "chip", "payer_member_id": ""},
        "payer_member_id",
        "Medicaid and CHIP need the member ID.",
    ),
    (
        "declined-with-a-category",
        {"race_ethnicity": ["declined", "white"]},
        "race_ethnicity",
        "“Prefers not to answer” cannot be combined with other categories.",
    ),
]
CHILD_IDS = [case[0] for case in CHILD_CASES]
LANGUAGE_CASES = {"language-zz", "language-klingon"}  # a ValidationError without a field

# (case, values typed, field, message on the page, message from the service)
CAREGIVER_CASES = [
    (
        "invalid-phone",
        {"phone": "555-12"},
        "phone",
        "Enter a valid phone number (e.g. (201) 555-0123) or a number with an international call "
        "prefix.",
        "The phone number entered is not valid.",
    ),
    (
        "text-without-phone",
        {"preferred_channel": "text", "phone": ""},
        "phone",
        "A phone number is needed to reach this caregiver by text or call.",
        "A phone number is needed to reach this caregiver by text or call.",
    ),
    (
        "call-without-phone",
        {"preferred_channel": "phone", "phone": ""},
        "phone",
        "A phone number is needed to reach this caregiver by text or call.",
        "A phone number is needed to reach this caregiver by text or call.",
    ),
    (
        "email-without-email",
        {"preferred_channel": "email", "email": ""},
        "email",
        "An email address is needed to reach this caregiver by email.",
        "An email address is needed to reach this caregiver by email.",
    ),
    (
        "invalid-email",
        {"email": "marisol@"},
        "email",
        "Enter a valid email address.",
        "Enter a valid email address.",
    ),
]
CAREGIVER_IDS = [case[0] for case in CAREGIVER_CASES]

INVERTED = [Window(weekday=1, starts_at=time(18, 0), ends_at=time(17, 0))]
EMPTY = [Window(weekday=1, starts_at=time(17, 0), ends_at=time(17, 0))]
OVERLAPPING = [
    Window(weekday=1, starts_at=time(17, 0), ends_at=time(19, 0)),
    Window(weekday=1, starts_at=time(18, 30), ends_at=time(20, 0)),
]
END_AFTER_START = "Each time window must end after it starts."
OVERLAP = "Two time windows on the same day overlap."


@pytest.fixture
def noon():
    """Frozen at NOON: request it before any fixture that logs in or writes."""
    with time_machine.travel(NOON, tick=False):
        yield


def counts() -> dict[str, int]:
    models = (Family, Caregiver, Child, AvailabilityWindow, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


def body_of(response) -> str:
    return html.unescape(response.content.decode())


def service_errors(invalid: ValidationError) -> dict[str, list[str]] | list[str]:
    return invalid.message_dict if hasattr(invalid, "error_dict") else invalid.messages


def add_child_page(client, family, **values):
    url = reverse("families:add_child", kwargs={"family_id": family.pk})
    return client.post(url, factories.child_form_data(**{"mrn": "NEW-100", **values}))


# --- The child ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "values", "field", "message"), CHILD_CASES, ids=CHILD_IDS)
def test_add_child_page_explains_and_saves_nothing(
    noon, client_a, family_a, case, values, field, message
):
    before = counts()

    response = add_child_page(client_a, family_a, **values)

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert message in body_of(response)
    assert counts() == before


@pytest.mark.parametrize(("case", "values", "field", "message"), CHILD_CASES, ids=CHILD_IDS)
def test_add_child_service_explains_and_saves_nothing(noon, family_a, case, values, field, message):
    before = counts()

    with pytest.raises(ValidationError) as raised:
        services.add_child(
            actor=factories.registrar(family_a.practice),
            family=family_a,
            values=factories.child_values(**{"mrn": "NEW-100", **values}),
            at=timezone.now(),
        )

    expected = [message] if case in LANGUAGE_CASES else {field: [message]}
    assert service_errors(raised.value) == expected
    assert counts() == before


@pytest.mark.parametrize(("case", "values", "field", "message"), CHILD_CASES, ids=CHILD_IDS)
def test_edit_child_page_explains_and_saves_nothing(
    noon, client_a, family_a, child_a, case, values, field, message
):
    other = factories.add_child(family_a, legal_given_name="Lucía", mrn="LG-2")
    before = counts()
    url = reverse("families:edit_child", kwargs={"child_id": other.pk})

    response = client_a.post(url, factories.child_form_data_of(other, **values))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert counts() == before
    saved = Child.objects.get(pk=other.pk)
    assert (saved.version, saved.mrn, saved.zip_code) == (1, "LG-2", "02128")


@pytest.mark.parametrize(("case", "values", "field", "message"), CHILD_CASES, ids=CHILD_IDS)
def test_update_child_service_explains_and_saves_nothing(
    noon, family_a, child_a, case, values, field, message
):
    other = factories.add_child(family_a, legal_given_name="Lucía", mrn="LG-2")
    before = counts()

    with pytest.raises(ValidationError) as raised:
        services.update_child(
            actor=factories.registrar(family_a.practice),
            child=other,
            values=values,
            version=other.version,
            at=timezone.now(),
        )

    expected = [message] if case in LANGUAGE_CASES else {field: [message]}
    assert service_errors(raised.value) == expected
    assert counts() == before
    assert Child.objects.get(pk=other.pk).version == 1


def test_the_same_mrn_is_allowed_in_another_practice(noon, client_a, family_b, child_b, family_a):
    response = add_child_page(client_a, family_a, mrn="ZQ-884213")

    assert response.status_code == 302
    assert sorted(Child.objects.filter(mrn="ZQ-884213").values_list("practice_id", flat=True)) == (
        sorted([family_a.practice_id, family_b.practice_id])
    )


def test_a_future_birth_date_is_refused_late_in_the_evening(family_a):
    # 11:30 pm in Boston is already tomorrow in UTC; tomorrow in Boston is still the future.
    late_evening = datetime(2026, 1, 15, 4, 30, tzinfo=UTC)
    with time_machine.travel(late_evening, tick=False):
        assert timezone.localdate() == date(2026, 1, 14)
        before = counts()

        with pytest.raises(ValidationError) as raised:
            services.add_child(
                actor=factories.registrar(family_a.practice),
                family=family_a,
                values=factories.child_values(mrn="NEW-100", date_of_birth=date(2026, 1, 15)),
                at=timezone.now(),
            )

    assert raised.value.message_dict == {
        "date_of_birth": ["The date of birth cannot be in the future."]
    }
    assert counts() == before


def test_a_baby_born_today_is_accepted(noon, client_a, family_a):
    response = add_child_page(client_a, family_a, date_of_birth=TODAY)

    assert response.status_code == 302
    assert Child.objects.get(mrn="NEW-100").date_of_birth == TODAY


# --- The caregiver -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "values", "field", "page_message", "service_message"),
    CAREGIVER_CASES,
    ids=CAREGIVER_IDS,
)
def test_add_caregiver_page_explains_and_saves_nothing(
    client_a, family_a, case, values, field, page_message, service_message
):
    before = counts()
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    response = client_a.post(url, factories.caregiver_form_data(**values))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [page_message]}
    assert page_message in body_of(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("case", "values", "field", "page_message", "service_message"),
    CAREGIVER_CASES,
    ids=CAREGIVER_IDS,
)
def test_add_caregiver_service_explains_and_saves_nothing(
    family_a, case, values, field, page_message, service_message
):
    before = counts()

    with pytest.raises(ValidationError) as raised:
        services.add_caregiver(
            actor=factories.registrar(family_a.practice),
            family=family_a,
            values=factories.caregiver_values(**values),
            windows=factories.DEFAULT_WINDOWS,
            at=timezone.now(),
        )

    assert raised.value.message_dict == {field: [service_message]}
    assert counts() == before


@pytest.mark.parametrize(
    ("case", "values", "field", "page_message", "service_message"),
    CAREGIVER_CASES,
    ids=CAREGIVER_IDS,
)
def test_edit_preferences_page_explains_and_saves_nothing(
    client_a, caregiver_a, case, values, field, page_message, service_message
):
    before = counts()
    url = reverse("families:edit_preferences", kwargs={"caregiver_id": caregiver_a.pk})

    response = client_a.post(url, factories.preferences_form_data(caregiver_a, **values))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [page_message]}
    assert counts() == before
    saved = Caregiver.objects.get(pk=caregiver_a.pk)
    assert (saved.version, saved.phone.as_e164, saved.email) == (1, "+16175550142", "")


@pytest.mark.parametrize("language", ["zz", "klingon", "xx-YY"])
def test_caregiver_language_must_be_a_language(client_a, family_a, language):
    before = counts()
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    response = client_a.post(url, factories.caregiver_form_data(preferred_language=language))

    kind = "a language code" if language == "klingon" else "a known language code"
    message = f"“{language}” is not {kind}. Use an ISO 639 code such as “es” or “vi”."
    assert response.context["form"].errors == {"preferred_language": [message]}
    assert counts() == before


@pytest.mark.parametrize("language", ["SPA", "es", "zh-Hant", "tlh"])
def test_caregiver_language_is_stored_as_its_canonical_tag(client_a, family_a, language):
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    response = client_a.post(
        url, factories.caregiver_form_data(given_name="Rafael", preferred_language=language)
    )

    assert response.status_code == 302
    stored = Caregiver.objects.get(given_name="Rafael").preferred_language
    assert stored == {"SPA": "es", "es": "es", "zh-Hant": "zh-Hant", "tlh": "tlh"}[language]


# --- Availability windows ----------------------------------------------------------------------


@pytest.mark.parametrize("windows", [INVERTED, EMPTY], ids=["inverted", "empty"])
def test_add_caregiver_page_refuses_a_window_ending_before_it_starts(client_a, family_a, windows):
    before = counts()
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    response = client_a.post(url, factories.caregiver_form_data(windows=windows))

    assert response.status_code == 400
    assert response.context["windows"].errors == [{"__all__": [END_AFTER_START]}]
    assert END_AFTER_START in body_of(response)
    assert counts() == before


def test_add_caregiver_page_refuses_overlapping_windows(client_a, family_a):
    before = counts()
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    response = client_a.post(url, factories.caregiver_form_data(windows=OVERLAPPING))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [OVERLAP]
    assert OVERLAP in body_of(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("windows", "message"),
    [(INVERTED, END_AFTER_START), (EMPTY, END_AFTER_START), (OVERLAPPING, OVERLAP)],
    ids=["inverted", "empty", "overlapping"],
)
def test_caregiver_services_refuse_bad_windows(caregiver_a, family_a, windows, message):
    before = counts()
    registrar = factories.registrar(family_a.practice)

    with pytest.raises(ValidationError) as added:
        services.add_caregiver(
            actor=registrar,
            family=family_a,
            windows=windows,
            values=factories.caregiver_values(),
            at=timezone.now(),
        )
    with pytest.raises(ValidationError) as updated:
        services.update_caregiver_preferences(
            actor=registrar,
            caregiver=caregiver_a,
            values={"strengths": "Music"},
            windows=windows,
            version=1,
            at=timezone.now(),
        )

    assert (added.value.messages, updated.value.messages) == ([message], [message])
    assert counts() == before
    assert Caregiver.objects.get(pk=caregiver_a.pk).strengths == ""


def test_edit_preferences_page_refuses_overlapping_windows(client_a, caregiver_a):
    before = counts()
    url = reverse("families:edit_preferences", kwargs={"caregiver_id": caregiver_a.pk})

    response = client_a.post(
        url, factories.preferences_form_data(caregiver_a, windows=OVERLAPPING, strengths="Music")
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [OVERLAP]
    assert counts() == before
    assert sorted((w.weekday, w.starts_at, w.ends_at) for w in caregiver_a.availability.all()) == [
        (0, time(17, 0), time(19, 0)),
        (5, time(9, 0), time(12, 0)),
    ]


def test_adjacent_windows_are_fine(client_a, family_a):
    adjacent = [
        Window(weekday=1, starts_at=time(17, 0), ends_at=time(18, 0)),
        Window(weekday=1, starts_at=time(18, 0), ends_at=time(19, 0)),
    ]
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    response = client_a.post(
        url, factories.caregiver_form_data(given_name="Rafael", windows=adjacent)
    )

    assert response.status_code == 302
    assert Caregiver.objects.get(given_name="Rafael").availability.count() == 2


# --- Registering a family: all or nothing --------------------------------------------------------


def register_page(client, **parts):
    return client.post(reverse("families:register"), factories.register_form_data(**parts))


def test_register_page_saves_nothing_when_the_child_fails_after_the_caregiver(client_a):
    before = counts()

    # Valid on the form; refused by the service after the family and caregiver were written.
    response = register_page(client_a, child={"gestational_age_days": 3})

    assert response.status_code == 400
    assert response.context["child_form"].errors == {
        "gestational_age_days": ["Give the completed weeks as well as the days."]
    }
    assert response.context["caregiver_form"].errors == {}
    assert counts() == before


def test_register_page_saves_nothing_when_the_caregivers_windows_overlap(client_a):
    before = counts()

    response = register_page(client_a, windows=OVERLAPPING)

    assert response.status_code == 400
    assert response.context["caregiver_form"].non_field_errors() == [OVERLAP]
    assert counts() == before


@pytest.mark.parametrize(("case", "values", "field", "message"), CHILD_CASES, ids=CHILD_IDS)
def test_register_page_explains_child_errors_and_saves_nothing(
    noon, client_a, child_a, case, values, field, message
):
    before = counts()

    response = register_page(client_a, child={"mrn": "NEW-100", **values})

    assert response.status_code == 400
    assert response.context["child_form"].errors == {field: [message]}
    assert message in body_of(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("case", "values", "field", "page_message", "service_message"),
    CAREGIVER_CASES,
    ids=CAREGIVER_IDS,
)
def test_register_page_explains_caregiver_errors_and_saves_nothing(
    client_a, case, values, field, page_message, service_message
):
    before = counts()

    response = register_page(client_a, caregiver=values)

    assert response.status_code == 400
    assert response.context["caregiver_form"].errors == {field: [page_message]}
    assert counts() == before


def test_register_service_saves_nothing_when_the_child_fails(practice_a):
    before = counts()

    with pytest.raises(services.InvalidPart) as raised:
        services.register_family(
            actor=factories.registrar(practice_a),
            family_name="Okonkwo family",
            caregiver=factories.caregiver_values(given_name="Chiamaka"),
            windows=factories.DEFAULT_WINDOWS,
            child=factories.child_values(gestational_age_days=2),
            at=timezone.now(),
        )

    assert raised.value.part == "child"
    assert raised.value.error.message_dict == {
        "gestational_age_days": ["Give the completed weeks as well as the days."]
    }
    assert counts() == before


def test_register_service_saves_nothing_without_a_household_name(practice_a):
    before = counts()

    with pytest.raises(services.InvalidPart) as raised:
        services.register_family(
            actor=factories.registrar(practice_a),
            family_name="   ",
            caregiver=factories.caregiver_values(),
            windows=[],
            child=factories.child_values(),
            at=timezone.now(),
        )

    assert (raised.value.part, raised.value.error.message_dict) == (
        "family",
        {"family_name": ["Give the household a name."]},
    )
    assert counts() == before
