"""Staff users of one practice for the load test (issue 21, part 4); run by bench/load_test.py.

Each locust user is one colleague from the plan the runner wrote (MEDHOME_LOAD_PLAN, JSON): it
signs in as production asks (password, then the TOTP code of its authenticator), then works its
day with 2-10 s between pages: Today most, the chart of a child on its panel, the huddle sheet,
a child search (a POST: the query is never in a URL), its task list, now and then a caregiver
PHQ-9 keyed in (start, open the form, submit the answers) and a referral moved on (open it,
change its state with the reason). With MEDHOME_LOAD_NO_THINK=1 (saturation) it asks only Today
and the chart, with no pause. Requests are named by page, so locust's figures are per page.
Synthetic data only; loopback only.
"""

import importlib.util
import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, constant, task

PLAN = json.loads(Path(os.environ["MEDHOME_LOAD_PLAN"]).read_text())
NO_THINK = os.environ.get("MEDHOME_LOAD_NO_THINK") == "1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATUS_FIELD = re.compile(r'<select name="to_status".*?</select>', re.S)
STATUS_OPTION = re.compile(r'<option value="([a-z_]+)"')
NOT_AT_ALL = "LA6568-5"  # PHQ-9's "Not at all" (LOINC answer)
SIGN_IN = "sign-in"  # the runner leaves these out of the targets: the password hash is slow


def _totp_now():  # type: ignore[no-untyped-def]
    """The production smoke test's RFC 6238 code (.ci/production_stack.py), not a second copy."""
    path = Path(__file__).resolve().parents[2] / ".ci" / "production_stack.py"
    spec = importlib.util.spec_from_file_location("production_stack", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.totp_now


totp_now = _totp_now()
colleagues = itertools.cycle(PLAN["users"])


class Colleague(HttpUser):
    wait_time = constant(0) if NO_THINK else between(2, 10)

    def on_start(self) -> None:
        self.me = next(colleagues)
        self.rng = random.Random(self.me["username"])
        login = self.client.get("/accounts/login/", name=SIGN_IN)
        step = self.client.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": self.csrf(login.text),
                "login": self.me["username"],
                "password": PLAN["password"],
            },
            name=SIGN_IN,
        )
        with self.client.post(
            "/accounts/2fa/authenticate/",
            {"csrfmiddlewaretoken": self.csrf(step.text), "code": totp_now(self.me["secret"])},
            name=SIGN_IN,
            catch_response=True,
        ) as done:
            if "/accounts/" in done.url:
                done.failure(f"the TOTP step did not sign in (at {done.url})")

    def csrf(self, page: str) -> str:
        found = CSRF.search(page)
        return found.group(1) if found else ""

    def child(self) -> dict[str, str]:
        return self.rng.choice(self.me["children"])

    @task(6)
    def today(self) -> None:
        self.client.get("/screening/today/", name="today")

    @task(5)
    def chart(self) -> None:
        self.client.get(f"/children/{self.child()['id']}/", name="chart")

    def huddle(self) -> None:
        self.client.get("/huddle/", name="huddle")

    def search(self) -> None:
        form = self.client.get("/children/", name="search")
        self.client.post(
            "/children/",
            {"csrfmiddlewaretoken": self.csrf(form.text), "q": self.child()["name"]},
            name="search",
        )

    def task_list(self) -> None:
        self.client.get("/tasks/", name="tasks")

    def screening_entry(self) -> None:
        child = self.child()
        chart = self.client.get(f"/children/{child['id']}/screening/", name="screening entry")
        started = self.client.post(
            f"/children/{child['id']}/screening/start/",
            {
                "csrfmiddlewaretoken": self.csrf(chart.text),
                "instrument": "phq9:caregiver",
                "mode": "staff_entry",
                "caregiver": child["caregiver"],
                "override_reason": "Asked to screen today",
            },
            name="screening entry",
        )
        if "/screening/forms/" not in started.url:
            return  # refused (a clear message on the child's page): nothing to key in
        answers = {f"item-{n}": NOT_AT_ALL for n in range(1, 10)}
        self.client.post(
            started.url,
            {"csrfmiddlewaretoken": self.csrf(started.text), **answers, "action": "submit"},
            name="screening entry",
        )

    def referral_update(self) -> None:
        referral = self.rng.choice(PLAN["referrals"])
        page = self.client.get(f"/referrals/{referral}/", name="referral update")
        field = STATUS_FIELD.search(page.text)
        states = STATUS_OPTION.findall(field.group(0)) if field else []
        if states:
            self.client.post(
                f"/referrals/{referral}/change/",
                {
                    "csrfmiddlewaretoken": self.csrf(page.text),
                    "to_status": self.rng.choice(states),
                    "reason": "The family called back",
                },
                name="referral update",
            )

    if not NO_THINK:
        huddle = task(2)(huddle)
        search = task(3)(search)
        task_list = task(2)(task_list)
        screening_entry = task(1)(screening_entry)
        referral_update = task(1)(referral_update)
