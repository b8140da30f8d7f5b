"""The demo's SMART app (synth.smart_demo): registered once per practice, it launches from a
chart and reads the launched child with SMART's own client library (fhirclient)."""

from fhirclient import client as fhir_client
from fhirclient.models.careplan import CarePlan
from fhirclient.models.goal import Goal
from fhirclient.models.observation import Observation

from medhome.smart.tests import wsgi_transport
from medhome.smart.tests.support import form_value, query_of
from medhome.smart.tests.test_flows_clients import BASE, browser_for, consent
from medhome.synth.smart_demo import DEMO_SECRET, add_smart_demo_app, demo_client_id
from tests import care_factories

from .support import scored_screen
from .test_screen_resources import PHQ


def test_the_demo_app_launches_from_a_chart_with_fhirclient(
    log_in,
    clinician_a,
    practice_a,
    child_a,
    caregiver_a,
    staff_a,
    child_b,
    caregiver_b,
    clinician_b,
):
    """The done-when of issue 20: a SMART app registered in the demo launches for a child and
    reads its screens and plan through SMART's own client library."""
    screen = scored_screen(child_a, "phq9", PHQ, total=18, positive=True, band="moderately_severe")
    plan = care_factories.care_plan(child_a, caregiver_a, clinician_a)
    scored_screen(child_b, "phq9", PHQ, total=18, positive=True, band="moderately_severe")
    care_factories.care_plan(child_b, caregiver_b, clinician_b)
    demo_app = add_smart_demo_app(practice_a)
    assert add_smart_demo_app(practice_a) == demo_app  # idempotent
    browser = browser_for(log_in, clinician_a, practice_a)
    chart = browser.get(f"{BASE}/children/{child_a.pk}/launch/")
    assert "Growth &amp; screens viewer" in chart.text
    launched = browser.post(
        f"{BASE}/children/{child_a.pk}/launch/",
        data={
            "client": str(demo_app.pk),
            "csrfmiddlewaretoken": form_value(chart.text, "csrfmiddlewaretoken"),
        },
        allow_redirects=False,
    )
    launch = query_of(launched.headers["Location"])
    smart = fhir_client.FHIRClient(
        settings={
            "app_id": demo_client_id(practice_a),
            "app_secret": DEMO_SECRET,
            "api_base": launch["iss"],
            "redirect_uri": "http://127.0.0.1:9876/callback",
            "scope": (
                "launch openid fhirUser patient/Patient.rs patient/Observation.rs "
                "patient/CarePlan.rs patient/Goal.rs"
            ),
            "launch_token": launch["launch"],
        }
    )
    wsgi_transport.mount(smart.server.session)
    smart.handle_callback(consent(browser, smart.authorize_url, BASE))
    assert smart.patient.id == str(child_a.pk)

    # Its screens: the PHQ-9's score as an Observation (fhirclient's R4 models parse it).
    screens = Observation.where(struct={"patient": smart.patient_id, "category": "survey"})
    observations = list(screens.perform_resources_iter(smart.server))
    assert [o.id for o in observations] == [str(screen.pk)]
    assert observations[0].valueInteger == 18
    assert observations[0].subject.reference == f"Patient/{child_a.pk}"
    # Its plan and goals; the other practice's child's plan is out of the launch's reach.
    plans = list(
        CarePlan.where(struct={"patient": smart.patient_id}).perform_resources_iter(smart.server)
    )
    assert [p.subject.reference for p in plans] == [f"Patient/{child_a.pk}"]
    goals = list(
        Goal.where(struct={"patient": smart.patient_id}).perform_resources_iter(smart.server)
    )
    assert [g.id for g in goals] == [str(plan["goal"].pk)]
    other = list(
        Observation.where(struct={"patient": str(child_b.pk)}).perform_resources_iter(smart.server)
    )
    assert other == []
