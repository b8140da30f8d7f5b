"""The demo's SMART app (synth.smart_demo): registered once per practice, it launches from a
chart and reads the launched child with SMART's own client library (fhirclient)."""

from fhirclient import client as fhir_client

from medhome.smart.tests import wsgi_transport
from medhome.smart.tests.support import form_value, query_of
from medhome.smart.tests.test_flows_clients import BASE, browser_for, consent
from medhome.synth.smart_demo import DEMO_SECRET, add_smart_demo_app, demo_client_id


def test_the_demo_app_launches_from_a_chart_with_fhirclient(
    log_in, clinician_a, practice_a, child_a, staff_a
):
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
            "scope": "launch openid fhirUser patient/Patient.rs",
            "launch_token": launch["launch"],
        }
    )
    wsgi_transport.mount(smart.server.session)
    smart.handle_callback(consent(browser, smart.authorize_url, BASE))
    assert smart.patient.id == str(child_a.pk)
