"""Drill: a practice's panel leaves by FHIR Bulk Data export and arrives in an EMPTY database
with identical counts (issue 20's done-when, across two real databases).

    .venv/bin/python bench/fhir_round_trip.py --children 2000 --db sqlite
    .venv/bin/python bench/fhir_round_trip.py --children 2000 --db postgres

Process 1 (this one, a fresh database from bench/common.py): migrates, builds a one-practice
synthetic panel (medhome.synth.panel, like bench/common.one_practice_panel) and, because that
panel holds no EHR immunizations or measurements, imports a synthetic EHR's bulk export of
`--ehr-children` more children through the EHR bulk import the demo uses (medhome.synth.ehr ->
ehr.bulk.import_export). Then a SMART Backend Services client does what a health plan's
service does: an RSA key, the client registered with its public JWKS through
smart.services.register_client (as the apps page does), a client assertion signed RS384 with
pyjwt, `client_credentials` POSTed to /oauth/token (Django's test Client, the real views),
`Group/<practice id>/$export` kicked off with that token, the worker's sweep run
(medhome.fhir.export.run_pending), the status polled and every NDJSON file downloaded with the
token into a temporary directory (the client may read the screens' answers and the referrals),
and the network's directory is exported as HSDS (`export_hsds`: the referrals' organizations).
It prints the practice's counts as JSON: children and households, caregivers, visits, the EHR
record, screens, referrals and consents, the shared plan.

Process 2 (a subprocess on a DIFFERENT fresh database) migrates, creates an empty network and
practice, loads the directory (`import_hsds`), runs `import_fhir_export <dir> --practice <id>`
(issue 8's bulk import, through call_command: the manage.py command's own code) and prints the
same counts. The parent prints both, every difference, and exits 1 on any. Synthetic data only;
both databases and the files are removed at the end.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, drop_database, fresh_database, one_practice_panel  # noqa: E402

DAY = date(2026, 11, 23)
HOST = "localhost"  # the test Client's host: in the local ALLOWED_HOSTS, the assertion's aud
SCOPE = "system/*.rs"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2000, help="synthetic panel children")
    parser.add_argument(
        "--ehr-children",
        type=int,
        default=200,
        help="children imported from a synthetic EHR export (immunizations, measurements)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    parser.add_argument("--import-into", metavar="DIR", help=argparse.SUPPRESS)  # process 2
    parser.add_argument("--practice-name", help=argparse.SUPPRESS)
    return parser.parse_args()


def counts(practice: Any) -> dict[str, Any]:
    """What must survive the round trip: the panel's rows, and how they split by type."""
    from collections import Counter

    from django.db.models import Count

    from medhome.ehr.models import Condition, Immunization, Observation
    from medhome.families.models import Caregiver, Child
    from medhome.visits.models import Visit

    def by(queryset: Any, field: str) -> dict[str, int]:
        rows = queryset.values(field).annotate(n=Count("pk")).order_by(field)
        return {str(row[field]): row["n"] for row in rows}

    from medhome.careplan.models import CarePlan, CareTeamMember, Goal, PlanAction
    from medhome.referrals.models import Referral, ReferralConsent, ReferralEvent
    from medhome.screening.models import Administration

    visits = Visit.objects.filter(practice=practice)
    immunizations = Immunization.objects.filter(practice=practice)
    observations = Observation.objects.filter(practice=practice)
    screens = Administration.objects.filter(practice=practice)
    # An AHC HRSN leaves without its partner-violence items (they never leave medhome) and comes
    # back scored for its other domains, safety not determined (docs/clinical-rules.md
    # #imported-screens): its band and positive domains are compared, its safety is not.
    ahc = screens.filter(instrument_key="ahc_hrsn")
    referrals = Referral.objects.filter(practice=practice)
    return {
        "screens_by_instrument": by(screens, "instrument_key"),
        "screens_by_status": by(screens, "status"),
        "screens_positive_but_ahc_hrsn": screens.exclude(instrument_key="ahc_hrsn")
        .filter(positive=True)
        .count(),
        "ahc_hrsn_positive_domains_but_safety": dict(
            sorted(
                Counter(
                    domain
                    for domains in ahc.values_list("positive_domains", flat=True)
                    for domain in domains or []
                    if domain != "safety"
                ).items()
            )
        ),
        "referrals_by_status": by(referrals, "status"),
        "referrals_by_need": by(referrals, "need"),
        "referrals_confidential": referrals.filter(confidential=True).count(),
        # Each referral's path (Task.relevantHistory), warm hand-off and HSDS service.
        "referral_events_by_status": by(
            ReferralEvent.objects.filter(referral__practice=practice), "to_status"
        ),
        "referrals_warm_handoff": referrals.filter(warm_handoff=True).count(),
        "referrals_with_service": referrals.filter(service__isnull=False).count(),
        "consents": ReferralConsent.objects.filter(practice=practice).count(),
        "consents_revoked": ReferralConsent.objects.filter(
            practice=practice, revoked_at__isnull=False
        ).count(),
        "care_plans": CarePlan.objects.filter(practice=practice).count(),
        "goals_by_status": by(Goal.objects.filter(practice=practice), "status"),
        "plan_actions_by_status": by(PlanAction.objects.filter(practice=practice), "status"),
        "team_members_by_kind": by(
            CareTeamMember.objects.filter(practice=practice, is_active=True), "kind"
        ),
        "children": Child.objects.filter(practice=practice).count(),
        # Siblings stay one household (RelatedPerson's also-caregiver-of extension).
        "households": Child.objects.filter(practice=practice).values("family").distinct().count(),
        "caregivers": Caregiver.objects.filter(practice=practice).count(),
        "visits": visits.count(),
        "immunizations": immunizations.count(),
        "observations": observations.count(),
        "conditions": Condition.objects.filter(practice=practice).count(),
        "visits_by_kind": by(visits, "kind"),
        "visits_by_status": by(visits, "status"),
        "immunizations_by_status": by(immunizations, "status"),
        "observations_by_kind": by(observations, "kind"),
    }


def load_ehr_export(practice: Any, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """A synthetic EHR's bulk export of args.ehr_children children (their shots and
    measurements), imported into `practice` by the EHR bulk import, as the demo loads its own."""
    from zoneinfo import ZoneInfo

    from medhome.core import clock
    from medhome.core.actor import Actor
    from medhome.ehr.bulk import import_export
    from medhome.synth.ehr.export import write_export
    from medhome.synth.generator import (
        build_network,
        build_practice,
        generate_population,
        plan_practices,
        streams,
    )
    from medhome.synth.households import Place

    places_rng, people_rng = streams(args.seed, f"Round-trip EHR {args.seed}")
    network = build_network(places_rng, "Round-trip EHR")
    spec = plan_practices(places_rng, 1)[0]
    ehr_practice, _ = build_practice(places_rng, network, spec)  # the EHR's, never saved
    population = generate_population(
        rng=people_rng,
        places=[Place(ehr_practice, spec.city, ())],
        children=args.ehr_children,
        as_of=DAY,
    )
    written = write_export(
        population.children,
        population.caregivers,
        work / "ehr",
        practice_names={ehr_practice.pk: ehr_practice.name},
        as_of=DAY,
        seed=str(args.seed),
        tz=ZoneInfo("America/New_York"),
    )
    (directory,) = written.directories.values()
    result = import_export(
        practice=practice,
        directory=Path(directory),
        actor=Actor(user=None, practice=practice, role="ehr_import"),
        at=clock.now(),
    )
    return result.counts


def backend_services_token(client: Any, practice: Any) -> str:
    """SMART Backend Services (https://hl7.org/fhir/smart-app-launch/backend-services.html):
    the practice admin registers the client with its public key; the client signs an RS384
    assertion and trades it for a token at /oauth/token."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    from medhome.accounts.roles import Capability, Role, capabilities_of
    from medhome.core.actor import Actor
    from medhome.smart.models import ClientKind
    from medhome.smart.services import register_client

    admin = Actor(
        user=None,
        practice=practice,
        role=Role.PRACTICE_ADMIN,
        capabilities=capabilities_of(Role.PRACTICE_ADMIN),
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    registered = register_client(
        admin,
        name="Round-trip health plan",
        kind=ClientKind.BACKEND,
        allowed_scopes=SCOPE,
        jwks={"keys": [{**jwk, "kid": "k1", "alg": "RS384"}]},
        # A copy of the practice's record: the screens' answers and the referrals too.
        capabilities=(
            Capability.CHART_READ,
            Capability.SCREENING_RESULTS,
            Capability.SCREENING_DETAIL,
            Capability.REFERRAL_SEND,
        ),
    )
    client_id = registered.client.application.client_id
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": f"http://{HOST}/oauth/token",
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
    }
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "scope": SCOPE,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": jwt.encode(claims, key, algorithm="RS384", headers={"kid": "k1"}),
        },
    )
    if response.status_code != 200:
        raise SystemExit(f"token refused: {response.status_code} {response.content!r}")
    return str(response.json()["access_token"])


def export_to(client: Any, token: str, practice: Any, out: Path) -> dict[str, int]:
    """Kick off Group/<practice>/$export, run the worker's sweep, download every file into
    `out` (one <type>.ndjson per type); returns the lines per type."""
    from medhome.core import clock
    from medhome.fhir import export

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.get(
        f"/fhir/Group/{practice.pk}/$export",
        HTTP_PREFER="respond-async",
        HTTP_ACCEPT="application/fhir+json",
        **auth,
    )
    if response.status_code != 202:
        raise SystemExit(f"kick-off refused: {response.status_code} {response.content!r}")
    status = response["Content-Location"].removeprefix(f"http://{HOST}")
    export.run_pending(now=clock.now())
    done = client.get(status, **auth)
    if done.status_code != 200:
        raise SystemExit(f"export not complete: {done.status_code} {done.content!r}")
    lines: dict[str, int] = {}
    for entry in done.json()["output"]:
        file = client.get(entry["url"].removeprefix(f"http://{HOST}"), **auth)
        body = b"".join(file.streaming_content)
        with (out / f"{entry['type']}.ndjson").open("ab") as handle:
            handle.write(body if body.endswith(b"\n") or not body else body + b"\n")
        lines[entry["type"]] = lines.get(entry["type"], 0) + len(body.splitlines())
    return lines


def source(args: argparse.Namespace, work: Path) -> tuple[str, dict[str, Any]]:
    """Process 1: the panel, the export by a Backend Services client, the source counts."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from medhome.practices.models import Practice

    panel = one_practice_panel(args, "FHIR round trip", DAY)
    practice = Practice.objects.get(pk=panel.practice_ids[0])
    ehr = load_ehr_export(practice, args, work)
    refused = sum((ehr.get("refused") or {}).values())
    print(f"EHR export imported into the source: {ehr['imported']:,} new, {refused} refused")
    settings.MEDHOME_FHIR_EXPORT = {
        **settings.MEDHOME_FHIR_EXPORT,
        "directory": str(work / "server"),
    }
    client = Client(HTTP_HOST=HOST)
    token = backend_services_token(client, practice)
    out = work / "downloaded"
    out.mkdir()
    started = time.perf_counter()
    lines = export_to(client, token, practice, out)
    print(
        f"Exported and downloaded {sum(lines.values()):,} resources in "
        f"{time.perf_counter() - started:.1f} s: {json.dumps(lines, sort_keys=True)}"
    )
    print("Not compared (the FHIR API serves no such type):", json.dumps(unserved(practice)))
    # The network's directory travels as HSDS (its own export), so the referrals' organizations
    # are there when the FHIR files arrive.
    call_command("export_hsds", str(out / "directory.hsds.json"), verbosity=0)
    return practice.name, counts(practice)


def unserved(practice: Any) -> dict[str, int]:
    """EHR rows of the source the export does not carry: no FHIR type of the API reads them."""
    from medhome.ehr.models import Allergy, Coverage, Medication, Procedure

    return {
        model.__name__: model.objects.filter(practice=practice).count()
        for model in (Allergy, Coverage, Medication, Procedure)
    }


def target(args: argparse.Namespace) -> None:
    """Process 2: an empty database, an empty practice, the bulk import, the counts (JSON on
    the last line of stdout)."""
    from django.core.management import call_command

    from medhome.practices.models import Network, Practice

    call_command("migrate", verbosity=0)
    network = Network.objects.create(name="Round-trip destination")
    practice = Practice.objects.create(network=network, name=args.practice_name, state="MA")
    hsds = Path(args.import_into) / "directory.hsds.json"
    call_command("import_hsds", str(hsds), verbosity=0)
    hsds.unlink()  # not an NDJSON file of the export
    started = time.perf_counter()
    call_command("import_fhir_export", args.import_into, practice=str(practice.pk))
    print(f"Import took {time.perf_counter() - started:.1f} s")
    print(json.dumps(counts(practice), sort_keys=True))


def differences(before: dict[str, Any], after: dict[str, Any], path: str = "") -> list[str]:
    found = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            found += differences(a, b, f"{path}{key}.")
        elif a != b:
            found.append(f"{path}{key}: source {a}, re-imported {b}")
    return found


def main() -> None:
    args = parse_args()
    if args.import_into:
        name = fresh_database("roundtrip-target", args.children, args.db)
        try:
            target(args)
        finally:
            drop_database(args.db, name, keep=args.keep)
        return
    work = Path(tempfile.mkdtemp(prefix="medhome-fhir-round-trip-"))
    name = fresh_database("roundtrip-source", args.children, args.db)
    try:
        practice_name, before = source(args, work)
    finally:
        drop_database(args.db, name, keep=args.keep)
    print("Source counts:", json.dumps(before, sort_keys=True))
    try:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
        command = [sys.executable, __file__, "--children", str(args.children), "--db", args.db]
        command += ["--import-into", str(work / "downloaded"), "--practice-name", practice_name]
        command += ["--keep"] if args.keep else []
        done = subprocess.run(  # noqa: S603 - this script, in a new process on a new database
            command, env=env, cwd=REPO, capture_output=True, text=True, check=False
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(done.stdout.rstrip())
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"the import process failed ({done.returncode})")
    after = json.loads(done.stdout.strip().splitlines()[-1])
    print("Re-imported counts:", json.dumps(after, sort_keys=True))
    found = differences(before, after)
    for line in found:
        print("DIFFERENT", line)
    print("Identical counts." if not found else f"{len(found)} counts differ.")
    raise SystemExit(1 if found else 0)


if __name__ == "__main__":
    main()
