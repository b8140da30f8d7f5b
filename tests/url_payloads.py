"""The POST each page of the access matrix (tests/url_matrix.py) is sent: a valid form, so only
the access check can refuse it."""

from medhome.accounts.roles import Role

from . import factories


def payload_for(name: str, rows: dict) -> dict:
    """A POST that would be valid for the page, so only the access check can stop it."""
    if name == "families:edit_child":
        return factories.child_form_data_of(rows["child"], preferred_name="Changed")
    if name == "families:add_child":
        return factories.child_form_data(mrn="NEW-1")
    if name == "families:add_caregiver":
        return factories.caregiver_form_data(given_name="Intruder")
    if name == "families:edit_preferences":
        return factories.preferences_form_data(rows["caregiver"], strengths="Changed")
    if name == "staff:member":
        return {"role": Role.NETWORK_ANALYST}  # no is_active: would remove the access
    if name in ("staff:member_languages", "staff:my_languages"):
        return {"action": "add", "language": "vi", "proficiency": "fluent"}
    if name == "families:panel_membership":
        return {"action": "end", "ends_on": "2026-01-02", "end_reason": "moved"}
    if name == "screening:start":
        return {"instrument": "phq9:caregiver", "mode": "tablet", "override_reason": "Asked"}
    if name == "screening:administer":
        return {"item-1": "LA6571-9", "action": "submit"}
    if name == "visit_rows:guidance":
        return {"topic": ["safety"]}
    if name == "visit_rows:elsewhere":
        return {"row": "oral_health", "place": "wic", "done_on": "2025-01-02"}
    if name == "visit_rows:immunization":
        return {"outcome": "declined"}
    if name == "ehr:waiting_action":
        return {"action": "set_aside", "reason": "test_message"}
    if name == "tasks:reassign":
        return {"to": Role.CARE_COORDINATOR}
    if name == "tasks:snooze":
        return {"until_day": "2099-01-04", "reason": "Family away until then"}
    if name == "tasks:add":
        return {"text": "Intruder", "due_day": "2099-01-04", "to": Role.CARE_COORDINATOR}
    if name == "messaging:call_outcome":
        return {"outcome": "reached"}
    if name == "ehr:merge":
        return {"action": "find", "mrn": rows["child"].mrn}
    if name == "messaging:reply":
        return {
            "caregiver": rows["caregiver"].pk,
            "text": "Intruder",
            "key": "00000000-0000-4000-8000-000000000001",
        }
    if name == "careplan:outside_members":
        return {
            "name": "Intruder",
            "external_role": "specialist",
            "email": "intruder@example.org",
            "new_organization": "Intruder Clinic",
        }
    if name == "careplan:outside_consent":
        return {"given_by": rows["caregiver"].pk, "method": "verbal"}
    if name == "careplan:outside_revoke":
        return {"reason": "Intruder"}
    if name == "careplan:outside_note":
        return {"goal": rows["goal"].pk, "text": "Intruder"}
    if name == "messaging:contact_consent":
        return {"channel": "text", "granted": "no", "method": "verbal"}
    if name == "casereview:family":
        return {"held_on": "2026-01-02", "summary": "Intruder"}
    if name == "nextsteps:decline":
        return {"reason": "The family already sees a therapist."}
    if name == "screening:acknowledge":
        return {"action_taken": "Called the family, safety plan made."}
    if name == "notes:add":
        return {"body": "Intruder"}
    if name == "notes:retract":
        return {"reason": "Intruder"}
    if name == "notes:suggest":
        return {"body": "ask @a"}
    if name == "programs:running":
        return {"running": "no"}
    if name == "programs:enrol":
        return {"on": "2026-01-02", "agreement": "spoken"}
    if name == "programs:contact":
        return {"kind": "chw_outreach", "setting": "phone", "outcome": "reached"}
    if name == "programs:family_contact":
        return {"kind": "chw_outreach", "setting": "phone", "outcome": "reached"}
    if name == "programs:enrolment_action":
        return {"action": "left", "on": "2026-01-02", "reason": "Intruder"}
    if name in ("parentgroups:create", "parentgroups:edit"):
        return {
            "kind": "reading_group",
            "name": "Intruder",
            "languages": ["en"],
            "leader": rows["parent_group"].leader_id,
            "capacity": 5,
            "is_active": "on",
        }
    if name == "parentgroups:add_meeting":
        return {"on": "2026-01-02", "starts": "10:00", "duration_minutes": 60, "topics": "x"}
    if name == "parentgroups:sign_up":
        return {"caregiver": rows["caregiver"].pk}
    if name == "parentgroups:attendance":
        return {f"came-{rows['caregiver'].pk}": "no"}
    if name in ("improvement:new", "improvement:edit"):
        return {
            "title": "Intruder",
            "aim_what": "Intruder",
            "aim_how_much": "10",
            "aim_by": "2027-01-02",
            "measure_key": "w30_1",
            "owner": str(rows["membership"].user_id),
        }
    if name == "improvement:stage":
        return {"to_stage": "do"}
    if name == "groupcare:add_member":
        return {"mrn": rows["child"].mrn}
    if name == "groupcare:schedule":
        return {"visit_key": "4mo", "day": "2099-12-01", "time": "10:00", "place": "Intruder"}
    if name == "groupcare:status":
        return {"status": "closed"}
    if name == "groupcare:leave":
        return {"reason": "individual"}
    if name == "groupcare:mark":
        return {"action": "missed"}
    if name == "connections:endpoint":
        return {"base_url": "https://intruder.example/fhir", "token_env": "MEDHOME_PARTNER_X"}
    if name == "connections:endpoint_active":
        return {"active": "no"}
    if name == "accounts:set_password":
        return {
            "new_password1": "an-attacker-passphrase",
            "new_password2": "an-attacker-passphrase",
        }
    return {}
