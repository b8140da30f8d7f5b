"""The production stack, for real, without containers (issue 21, part 1).

Run by .ci/run after the PostgreSQL suite. Against a fresh PostgreSQL database it creates and
drops: migrates and collects the static files under production settings, loads the synthetic
demo (load_demo refuses MEDHOME_ENV=production, so it alone runs under MEDHOME_ENV=demo on the
same database, as an operator would seed a staging copy), then serves it as production would:
gunicorn, the worker (`run_worker`) and the local SMS gateway, each a subprocess. Over HTTP on
the loopback address, as a TLS-terminating proxy would forward it (X-Forwarded-Proto, the
settings' SECURE_PROXY_SSL_HEADER), a demo coordinator signs in with two steps (password, then
TOTP set up through allauth's own pages), opens Today and a child's chart, a hospital posts an
HL7 v2 ADT message to the feed with a feed token, and the coordinator recalls families from the
recall list; the worker must send those texts to the local gateway. Exits non-zero on any failure.

Production settings are not weakened. Deployment choices set here: the SMS backend is the local
gateway (production's default is Twilio) and MEDHOME_TIME_ZONE is a zone where it is now midday,
so the families' quiet hours (20:00-08:00 practice time) never hold the text back whenever CI runs.
"""

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")
USERNAME = "coordinator@riverside.demo"
PRACTICE = "Riverside Community Pediatrics"
SEND_TIMEOUT = 150  # seconds: the worker's first tick, then its every-minute send slot


class SmokeFailure(Exception):
    pass


def check(ok: object, what: str) -> None:
    if not ok:
        raise SmokeFailure(what)


def must[T](value: T | None, what: str) -> T:
    if value is None:
        raise SmokeFailure(what)
    return value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is now 12:xx (Etc/GMT signs are inverted: GMT-5 is UTC+5)."""
    offset = 12 - now.hour  # -11 .. +12, all valid Etc zones
    return f"Etc/GMT{-offset:+d}"


def stack_env(db: str, web: int, gateway: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"postgres://postgres@{PGHOST}:{PGPORT}/{db}",
        MEDHOME_ENV="production",
        MEDHOME_SECRET_KEY="ci-throwaway-" + secrets.token_urlsafe(48),
        MEDHOME_ALLOWED_HOSTS="127.0.0.1",
        MEDHOME_TIME_ZONE=midday_zone(datetime.now(UTC)),
        MEDHOME_SMS_BACKEND="medhome.messaging.gateways.local.LocalGateway",
        MEDHOME_SMS_GATEWAY_URL=f"http://127.0.0.1:{gateway}",
        # The webhook token both the gateway (signing receipts) and medhome (checking) read.
        MEDHOME_TWILIO_AUTH_TOKEN="ci-throwaway-" + secrets.token_urlsafe(24),
        MEDHOME_PUBLIC_URL=f"https://127.0.0.1:{web}",
        # Production's SMTP backend takes no host from the environment; e-mail to families is
        # kept in memory here (texts are what this checks).
        MEDHOME_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    for weakening in ("MEDHOME_REQUIRE_MFA", "MEDHOME_HTTPS", "MEDHOME_DEBUG"):
        env.pop(weakening, None)  # whatever the caller's environment says
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    output = f"{done.stdout[-2000:]}{done.stderr[-3000:]}"
    check(done.returncode == 0, f"manage.py {args[0]} failed:\n{output}")
    return done.stdout


class Stack:
    """The long-running processes, each in its own process group, logs under a temp dir."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *argv: str, env: dict[str, str] | None = None) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(  # noqa: S603 - the project's own commands
            argv, cwd=ROOT, env={**self.env, **(env or {})}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def manage(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        self.start(name, sys.executable, "manage.py", *args, env=env)

    def finished(self, name: str, timeout: float) -> None:
        code = self.procs[name].wait(timeout=timeout)
        check(code == 0, f"{name} exited with {code}:\n{self.tail(name)}")

    def alive(self, name: str) -> None:
        code = self.procs[name].poll()
        check(code is None, f"{name} exited with {code}:\n{self.tail(name)}")

    def tail(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        """TERM each group (the worker finishes its task, gunicorn its requests), then KILL
        whatever of the group is left: a gunicorn worker or a task outliving its parent."""
        for how in (signal.SIGTERM, signal.SIGKILL):
            for proc in self.procs.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, how)
            for proc in self.procs.values():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=15 if how == signal.SIGTERM else 5)


def wait_for(what: str, probe: Callable[[], bool], timeout: float, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if probe():
                return
        except requests.RequestException:
            pass
        time.sleep(every)
    raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")


class Browser:
    """requests as a browser behind the TLS proxy: every request says it came over HTTPS, and the
    Secure cookies (which requests keeps back over http://) are sent by hand. Redirects are
    followed here, so an absolute https:// Location goes back to the loopback address."""

    def __init__(self, port: int) -> None:
        self.origin = f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.http.trust_env = False

    def go(self, method: str, path: str, data: dict[str, Any] | None = None) -> requests.Response:
        for _hop in range(10):
            sent = {
                "X-Forwarded-Proto": "https",
                "Referer": f"https://{self.origin}{path}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            }
            answer = self.http.request(
                method, f"http://{self.origin}{path}", data=data, headers=sent,
                allow_redirects=False, timeout=60,
            )  # fmt: skip
            self.http.cookies.clear()
            for cookie in answer.cookies:
                self.cookies[cookie.name] = cookie.value or ""
            if answer.status_code not in (301, 302, 303):
                return answer
            where = urlsplit(answer.headers["Location"])
            check(where.netloc in ("", self.origin), f"redirected away to {where.netloc}")
            path = where.path + (f"?{where.query}" if where.query else "")
            method, data = "GET", None
        raise SmokeFailure(f"too many redirects at {path}")

    def submit(self, page: requests.Response, fields: dict[str, Any]) -> requests.Response:
        """POST the form of `page` (at its address) with the page's CSRF token."""
        check(page.status_code == 200, f"{page.url} answered {page.status_code}")
        token = must(
            re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text), "no CSRF token"
        )
        path = urlsplit(page.url).path
        return self.go("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})


# allauth accepts the code of the current 30 s step only (MFA_TOTP_TOLERANCE 0): a code made in
# a step's last seconds can reach the server in the next one. A person would wait for a fresh
# code; so does this.
FRESH_SECONDS = 5


def totp_now(secret: str) -> str:
    """RFC 6238 as allauth checks it (SHA-1, 6 digits, 30 s: allauth.mfa.totp.internal.auth),
    made at least FRESH_SECONDS before its step ends."""
    left = 30 - time.time() % 30
    if left < FRESH_SECONDS:
        time.sleep(left + 0.05)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**6:06d}"


def sign_in(port: int, password: str, secret: str | None) -> tuple[Browser, str]:
    """Log in with the password; with no `secret` set up the authenticator app through allauth's
    activation page (production sends a user without one there), else answer the TOTP step.
    Returns the signed-in browser and the TOTP secret."""
    browser = Browser(port)
    login = browser.go("GET", "/accounts/login/")
    landed = browser.submit(login, {"login": USERNAME, "password": password})
    url = urlsplit(landed.url).path
    if secret is None:
        # Production sends a user without a factor to the choice of an app or a passkey.
        check(url == "/accounts/2fa/", f"no second factor yet, but landed on {url}")
        landed = browser.go("GET", "/accounts/2fa/totp/activate/")
        field = must(
            re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', landed.text), "no secret"
        )
        secret = must(re.search(r'value="([A-Z2-7]+)"', field.group(0)), "no secret").group(1)
        done = browser.submit(landed, {"code": totp_now(secret)})
        check(done.status_code == 200, f"activating TOTP answered {done.status_code}")
        check("/2fa/totp/activate/" not in done.url, "the TOTP code was refused at activation")
        return browser, secret
    check(url == "/accounts/2fa/authenticate/", f"the password alone landed on {url}")
    done = browser.submit(landed, {"code": totp_now(secret)})
    check(done.status_code == 200, f"the TOTP step answered {done.status_code}")
    check("/accounts/" not in done.url, f"the TOTP step did not sign in (at {done.url})")
    return browser, secret


def django_setup(env: dict[str, str]) -> None:
    """This process reads the database (to pick rows and check what was stored) under the same
    production settings as the stack."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medhome.settings")
    import django

    django.setup()


def open_pages(browser: Browser) -> str:
    """Today and a child's chart from it; returns the child's id."""
    today = browser.go("GET", "/screening/today/")
    check(today.status_code == 200, f"Today answered {today.status_code}")
    check("/screening/today/" in today.url, f"Today landed on {today.url}")
    from medhome.families.models import Child

    ids = re.findall(r'href="/children/([0-9a-f-]{36})/"', today.text)
    check(ids, "Today links no child's chart")
    child = must(Child.objects.filter(pk__in=ids).first(), "Today's children are not in the db")
    chart = browser.go("GET", f"/children/{child.pk}/")
    check(chart.status_code == 200, f"the chart answered {chart.status_code}")
    check(child.mrn in chart.text, "the chart page does not show the child's MRN")
    return str(child.pk)


def post_feed(env: dict[str, str], port: int, child_id: str) -> None:
    """A hospital's admission (HL7 v2 ADT A01, the synthetic builder of `demo_adt`) with a feed
    token issued as an operator would (`issue_feed_token`); the message must be stored."""
    from medhome.events.models import InboundMessage
    from medhome.families.models import Child
    from medhome.synth.management.commands.demo_adt import adt

    out = manage(env, "issue_feed_token", "--practice", PRACTICE, "--name", "CI smoke hospital")
    token = must(re.search(r"\(shown once\): (\S+)", out), "issue_feed_token printed no token")
    child = Child.objects.get(pk=child_id)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    control = f"SMOKE-{secrets.token_hex(4)}"
    answer = requests.post(
        f"http://127.0.0.1:{port}/feed/events/",
        data=adt("A01", control, child, start=stamp).encode(),
        headers={
            "X-Forwarded-Proto": "https",
            "Content-Type": "text/plain",
            "Authorization": f"Bearer {token.group(1)}",
        },
        timeout=60,
    )
    check(answer.status_code == 200, f"the feed answered {answer.status_code}: {answer.text[:300]}")
    check("MSA|AA" in answer.text, f"the feed did not accept the message: {answer.text[:300]}")
    stored = must(
        InboundMessage.objects.filter(practice=child.practice, raw__contains=control).first(),
        "the feed's message was not stored",
    )
    check(stored.status == "processed", f"the feed's message is {stored.status}, not processed")
    check(stored.event_id is not None, "the admission was not recorded for the child")


def recall_families(browser: Browser) -> list[tuple[str, str]]:
    """The coordinator recalls every family on the recall list's first page, as the list's
    "select all" does; returns (message id, gateway key) of the recalls that may go now."""
    from medhome.messaging.models import Message, MessageChannel, MessageKind, MessageStatus

    page = browser.go("GET", "/messages/recall/")
    check(page.status_code == 200, f"the recall list answered {page.status_code}")
    families = sorted(set(re.findall(r'name="family" value="([0-9a-f-]{36})"', page.text)))
    check(families, "the recall list has no family to recall")
    started = datetime.now(UTC)
    done = browser.submit(page, {"family": families})
    check(done.status_code == 200, f"recalling answered {done.status_code}")
    planned = Message.objects.filter(
        kind=MessageKind.RECALL,
        created_at__gte=started,
        status=MessageStatus.PLANNED,
        send_after__lte=datetime.now(UTC),
        channel=MessageChannel.TEXT,
    )
    found = [(str(m.pk), f"{m.practice_id}:{m.idempotency_key}") for m in planned]
    check(found, f"recalling {len(families)} families planned no text that may go now")
    return found


def wait_sent(gateway: int, recalls: list[tuple[str, str]]) -> None:
    from medhome.messaging.models import Message, MessageStatus

    keys = {key for _pk, key in recalls}
    ids = [pk for pk, _key in recalls]

    def arrived() -> bool:
        got = requests.get(f"http://127.0.0.1:{gateway}/messages", timeout=10).json()
        if not keys <= {text["key"] for text in got["messages"]}:
            return False
        # The sender records sent messages in small batches, just after the gateway's answer.
        recorded = Message.objects.filter(
            pk__in=ids, status__in=[MessageStatus.SENT, MessageStatus.DELIVERED]
        )
        return recorded.count() == len(ids)

    wait_for(f"the worker to send {len(keys)} recall texts", arrived, SEND_TIMEOUT, every=2)


def run(db: str, logs: Path, timings: list[tuple[str, float]]) -> None:
    web, gateway = free_port(), free_port()
    env = stack_env(db, web, gateway)
    demo_env = {**env, "MEDHOME_ENV": "demo"}
    mark = time.monotonic()

    def step(name: str) -> None:
        nonlocal mark
        timings.append((name, time.monotonic() - mark))
        mark = time.monotonic()

    stack = Stack(env, logs)
    try:
        # Beside the migrations and the demo (it needs no database): hashing and compressing
        # the static files is the slowest single step.
        stack.manage("collectstatic", "collectstatic", "--noinput", "--clear", "-v0")
        manage(env, "migrate", "--noinput", "-v0")
        step("migrate")
        manage(demo_env, "load_demo", timeout=600)
        step("load_demo (MEDHOME_ENV=demo)")
        stack.finished("collectstatic", timeout=300)
        step("collectstatic (started beside migrate)")
        django_setup(env)
        from django.conf import settings

        check(settings.ENV == "production" and not settings.DEBUG, "not production settings")
        check(settings.SECURE_PROXY_SSL_HEADER, "production trusts no TLS proxy header")
        check(settings.MEDHOME_REQUIRE_MFA, "production does not require a second factor")
        stack.manage("gateway", "run_sms_gateway", "--port", str(gateway))
        stack.start(
            "gunicorn", str(BIN / "gunicorn"), "medhome.wsgi:application",
            "--bind", f"127.0.0.1:{web}", "--workers", "2", "--timeout", "120",
        )  # fmt: skip
        health = f"http://127.0.0.1:{web}/healthz"
        wait_for("gunicorn", lambda: requests.get(health, headers={"X-Forwarded-Proto": "https"},
                                                  timeout=5).ok, 60)  # fmt: skip
        wait_for("the gateway", lambda: requests.get(f"http://127.0.0.1:{gateway}/messages",
                                                     timeout=5).ok, 30)  # fmt: skip
        step("gunicorn and gateway up")
        password = settings.MEDHOME_DEMO_PASSWORD
        _first, secret = sign_in(web, password, None)
        browser, _secret = sign_in(web, password, secret)
        step("sign-in: TOTP set up, then password + TOTP")
        child_id = open_pages(browser)
        step("Today and a chart")
        post_feed(env, web, child_id)
        step("HL7 v2 ADT on the feed")
        recalls = recall_families(browser)
        step(f"recall list: {len(recalls)} texts planned")
        # The worker starts now, so its own daily recall sweep finds these already planned.
        # With the worker's sort memory as docs/deploy.md sets it (PostgreSQL refuses a
        # connection whose options it does not accept).
        stack.manage("worker", "run_worker", env={"MEDHOME_PG_WORK_MEM": "64MB"})
        wait_sent(gateway, recalls)
        for name in ("gateway", "gunicorn", "worker"):
            stack.alive(name)
        step("worker sent them to the gateway")
    except BaseException:
        for name in stack.procs:
            print(f"--- {name} log (tail) ---\n{stack.tail(name)}", file=sys.stderr)
        raise
    finally:
        stack.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()


def stopped(signum: int, _frame: object) -> None:
    raise SystemExit(f"production stack: stopped by signal {signum}")  # the finally blocks run


def main() -> int:
    createdb, dropdb = shutil.which("createdb"), shutil.which("dropdb")
    if not createdb or not dropdb:
        print("production stack: FAILED: createdb/dropdb are not installed", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, stopped)
    db = f"medhome_stack_{int(time.time())}_{os.getpid()}"
    pg = ["-h", PGHOST, "-p", PGPORT, "-U", "postgres"]
    timings: list[tuple[str, float]] = []
    started = time.monotonic()
    subprocess.run([createdb, *pg, db], check=True)  # noqa: S603 - fixed arguments
    try:
        with tempfile.TemporaryDirectory(prefix="medhome-stack-") as logs:
            run(db, Path(logs), timings)
    except SmokeFailure as failure:
        print(f"production stack: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        subprocess.run([dropdb, *pg, "--if-exists", "--force", db], check=False)  # noqa: S603
        for name, seconds in timings:
            print(f"  {seconds:6.1f} s  {name}")
    print(f"production stack: fine in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
