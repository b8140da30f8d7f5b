"""The demo's SMART on FHIR app: a "Growth & screens viewer" registered with each demo practice
(through medhome.smart's services, as the practice admin's apps page does), so that the chart's
"Launch app" page has an app to launch and a SMART client (fhirclient, or any SMART app on
loopback) can run the EHR or standalone launch against the demo server.

Demo only: the client secret is a fixed, published string (load_demo refuses production).
Idempotent: a practice that already has the app keeps it unchanged."""

from medhome.accounts.roles import Role, capabilities_of
from medhome.core.actor import Actor
from medhome.practices.models import Membership, Practice
from medhome.smart.models import ClientKind, SmartClient
from medhome.smart.services import register_client

APP_NAME = "Growth & screens viewer"
DEMO_SECRET = "demo-smart-secret-not-for-production"  # noqa: S105 - demo only, published
REDIRECT_URI = "http://127.0.0.1:9876/callback"
LAUNCH_URL = "http://127.0.0.1:9876/launch"
SCOPES = (
    "launch launch/patient openid fhirUser offline_access "
    "patient/Patient.rs patient/Observation.rs patient/QuestionnaireResponse.rs "
    "patient/CarePlan.rs patient/Goal.rs patient/Condition.rs patient/CareTeam.rs"
)


def demo_client_id(practice: Practice) -> str:
    return f"demo-growth-viewer-{str(practice.pk)[:8]}"


def add_smart_demo_app(practice: Practice) -> SmartClient | None:
    """The practice's demo app (registered by its admin), or None without an admin."""
    existing = SmartClient.objects.filter(practice=practice, name=APP_NAME).first()
    if existing is not None:
        return existing
    admin = (
        Membership.objects.filter(practice=practice, role=Role.PRACTICE_ADMIN, is_active=True)
        .select_related("user")
        .first()
    )
    if admin is None:
        return None
    actor = Actor(
        user=admin.user,
        practice=practice,
        role=admin.role,
        capabilities=capabilities_of(admin.role),
    )
    client = register_client(
        actor,
        name=APP_NAME,
        kind=ClientKind.APP,
        allowed_scopes=SCOPES,
        launch_url=LAUNCH_URL,
        redirect_uris=REDIRECT_URI,
    ).client
    application = client.application
    application.client_id = demo_client_id(practice)
    application.client_secret = DEMO_SECRET
    application.save()
    return client
