"""medhome settings: one file, driven by the environment, safe by default.

MEDHOME_ENV selects the defaults: ``production`` (the default: HTTPS, secret key required),
``demo`` (local demo over plain HTTP), ``test`` and ``bench``. Everything else is an
environment variable read through small typed helpers (medhome/core/env.py).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from medhome.core.databases import databases
from medhome.core.env import env_bool, env_int, env_list
from medhome.ehr.default_materials import CDC_MILESTONE_MATERIALS
from medhome.oauth_settings import smart_oauth_settings
from medhome.smart.keys import oidc_private_key

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("MEDHOME_ENV", "production")
LOCAL_ENVS = {"demo", "test", "bench", "dev"}
if ENV not in LOCAL_ENVS | {"production"}:
    raise ImproperlyConfigured(
        f"MEDHOME_ENV must be production, demo, dev, test or bench, not {ENV!r}"
    )
IS_LOCAL = ENV in LOCAL_ENVS


DEBUG = env_bool("MEDHOME_DEBUG", ENV == "dev")
SECRET_KEY = os.environ.get("MEDHOME_SECRET_KEY", "")
if not SECRET_KEY:
    if not IS_LOCAL:
        raise ImproperlyConfigured("MEDHOME_SECRET_KEY must be set in production.")
    SECRET_KEY = "medhome-local-only-not-a-secret"  # noqa: S105 - demo/test only, refused in production
ALLOWED_HOSTS = env_list("MEDHOME_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if IS_LOCAL else [])
if not IS_LOCAL:
    # `check --deploy` only warns about these, and a warning scrolls by: a guessable key signs
    # sessions and password-reset links, and no allowed host means every request answers 400.
    # Django's own bar for a strong key (security.W009): 50 characters, 5 of them different.
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "MEDHOME_SECRET_KEY is too weak for production: use at least 50 random characters "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "MEDHOME_ALLOWED_HOSTS must name the host(s) medhome answers on in production, "
            "comma-separated (for example: medhome.example.org)."
        )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's list of passkeys says "last used 3 days ago" with it
    "django_tasks_db",
    "django_htmx",
    "phonenumber_field",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "oauth2_provider",
    "ninja",
    "medhome.core",
    "medhome.jobs",
    "medhome.accounts",
    "medhome.practices",
    "medhome.audit",
    "medhome.families",
    "medhome.staff",
    "medhome.instruments",
    "medhome.visits",
    "medhome.periodicity",
    "medhome.portal",
    "medhome.screening",
    "medhome.directory",
    "medhome.tasks",
    "medhome.smart",
    "medhome.referrals",
    "medhome.events",
    "medhome.notes",
    "medhome.breakglass",
    "medhome.ehr",
    "medhome.growth",
    "medhome.careplan",
    "medhome.nextsteps",
    "medhome.programs",
    "medhome.timeline",
    "medhome.messaging",
    "medhome.groupcare",
    "medhome.parentgroups",
    "medhome.council",
    "medhome.experience",
    "medhome.measures",
    "medhome.improvement",
    "medhome.huddle",
    "medhome.casereview",
    "medhome.billing",
    "medhome.fhir",
    "medhome.exchange",
    "medhome.ops",
    "medhome.synth",
]

MIDDLEWARE = [
    "medhome.core.middleware.TrustedProxyMiddleware",
    "medhome.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "medhome.core.middleware.NoStoreMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "medhome.core.middleware.HtmxLoginRedirectMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "medhome.core.middleware.SessionTimeoutsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "medhome.accounts.middleware.RequireMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "medhome.practices.middleware.ActorMiddleware",
    "medhome.referrals.middleware.PartnerActorMiddleware",
    "medhome.breakglass.middleware.BreakGlassMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medhome.urls"
WSGI_APPLICATION = "medhome.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "practices:choose"
LOGOUT_REDIRECT_URL = "account_login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medhome.practices.context_processors.actor",
                "medhome.screening.context_processors.open_alerts",
                "medhome.ehr.context_processors.waiting_messages",
                "medhome.breakglass.context_processors.unreviewed_grants",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ unless DATABASE_URL names PostgreSQL; a read replica for the measures when
# MEDHOME_REPLICA_URL names one (medhome.core.databases, medhome.core.replica).
SQLITE_PATH = Path(os.environ.get("MEDHOME_SQLITE_PATH", BASE_DIR / "var" / "medhome.sqlite3"))
DATABASES = databases(env=ENV, sqlite_path=SQLITE_PATH)
DATABASE_ROUTERS = ["medhome.core.replica.ReplicaRouter"]
# How far behind the replica may be and still serve the measures (seconds), and how often a
# process asks it (seconds): behind the bound, or not answering, the primary serves them.
MEDHOME_REPLICA_MAX_LAG_SECONDS = env_int("MEDHOME_REPLICA_MAX_LAG_SECONDS", 60)
MEDHOME_REPLICA_CHECK_SECONDS = env_int("MEDHOME_REPLICA_CHECK_SECONDS", 5)
# How long a Bulk Data export waits for the replica to hold every commit made before it starts.
MEDHOME_REPLICA_CATCH_UP_SECONDS = env_int("MEDHOME_REPLICA_CATCH_UP_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions ------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENV == "test":
    # Tests create many users; argon2 stays first in production.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# django-allauth: staff log in with a username; nobody signs up (a practice admin adds colleagues).
ACCOUNT_ADAPTER = "medhome.accounts.adapter.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Failed logins lock per (username, IP) through django-axes, so nobody can lock a colleague out
# from elsewhere by typing wrong passwords for their username; allauth's own limit, which would
# lock by username alone, is left to catch one address trying many usernames.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/5m/ip"}
# Second factors: an authenticator app (TOTP) or a passkey/security key (WebAuthn), and recovery
# codes for a lost one. A passkey here is a second factor after the password, never a login of
# its own (MFA_PASSKEY_LOGIN_ENABLED off): every staff login keeps the one password step that
# django-axes counts, and a key registered without user verification stays a single factor.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "medhome"
MFA_ADAPTER = "medhome.accounts.adapter.StaffMfaAdapter"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_PASSKEY_SIGNUP_ENABLED = False
# WebAuthn's relying party: the site's domain, which every passkey is bound to. Empty: the
# request's host (already checked against ALLOWED_HOSTS); set it when the site answers on more
# than one name, or passkeys registered on one name fail on the other (docs/deploy.md).
MEDHOME_WEBAUTHN_RP_ID = os.environ.get("MEDHOME_WEBAUTHN_RP_ID", "")
# Fernet keys for TOTP keys and recovery seeds at rest (accounts.secrets_at_rest); the first
# encrypts. Unset: one derived from the SECRET_KEY.
MEDHOME_MFA_KEYS = [k for k in os.environ.get("MEDHOME_MFA_KEYS", "").split(",") if k.strip()]
# allauth's switch turns the origin check off altogether, which would let any site relay a
# signature; fido2 already accepts http://localhost for the demo, so it stays off everywhere.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
# Staff must set up a second factor before they reach any record (security.md: MFA for staff).
# Off only in the local demo and tests, so the printed demo logins open a chart at once.
MEDHOME_REQUIRE_MFA = env_bool("MEDHOME_REQUIRE_MFA", not IS_LOCAL)
AXES_FAILURE_LIMIT = env_int("MEDHOME_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: a lockout ends by itself, so nobody can lock a user out for good
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = ENV != "test" or env_bool("MEDHOME_AXES_IN_TESTS", False)
AXES_VERBOSE = False

# Idle timeout: the session expires after this many seconds without a request. Its expiry is
# renewed by a request at most every MEDHOME_SESSION_RENEW_SECONDS, not on every request
# (medhome.core.middleware.SessionTimeoutsMiddleware: no write of the session row per page).
SESSION_COOKIE_AGE = env_int("MEDHOME_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
MEDHOME_SESSION_RENEW_SECONDS = env_int("MEDHOME_SESSION_RENEW_SECONDS", 60)
# Absolute timeout: a session ends this many seconds after login, however active.
MEDHOME_SESSION_MAX_SECONDS = env_int("MEDHOME_SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# --- HTTPS and headers ----------------------------------------------------------------------
HTTPS = env_bool("MEDHOME_HTTPS", not IS_LOCAL)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("MEDHOME_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "medhome.core.views.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("MEDHOME_TIME_ZONE", "America/New_York")
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = os.environ.get("MEDHOME_PHONE_REGION", "US")

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = IS_LOCAL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not IS_LOCAL
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Logging: no PHI ------------------------------------------------------------------------
# Records carry the request id, never names, dates of birth, query strings or form data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "medhome.core.logging.RequestIdFilter"},
        "refused_by": {"()": "medhome.core.logging.RefusedByFilter"},
        "no_phi": {"()": "medhome.core.logging.NoPhiFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "refused_by", "no_phi"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MEDHOME_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WARNING: every 4xx answer is logged (path without query string or token, and who).
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- E-mail (password resets) --------------------------------------------------------------
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_MAILER = os.environ.get(
    "MEDHOME_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if IS_LOCAL else _SMTP
)
MAILERS: dict[str, dict] = {"default": {"BACKEND": _MAILER}}
if _MAILER == _SMTP:  # the relay, STARTTLS unless MEDHOME_EMAIL_TLS=false
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("MEDHOME_EMAIL_HOST", "localhost"),
        "port": env_int("MEDHOME_EMAIL_PORT", 587),
        "username": os.environ.get("MEDHOME_EMAIL_USER", ""),
        "password": os.environ.get("MEDHOME_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("MEDHOME_EMAIL_TLS", True),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = os.environ.get("MEDHOME_FROM_EMAIL", "medhome@localhost")

# --- Background work (docs/architecture.md, "Background work") -------------------------------
# The worker (`manage.py run_worker`) takes tasks from a queue table in the main database
# (django-tasks-db: no broker on SQLite or PostgreSQL). Tests use the dummy backend: nothing runs
# behind a test's back, and a test that wants the queue drains it itself.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.dummy.DummyBackend"
        if ENV == "test"
        else "django_tasks_db.DatabaseBackend",
    }
}
# How often each periodic job runs, in seconds, by job name; a job not named here runs at the
# interval its app registered (medhome/<app>/jobs.py). An interval divides a day; slots count
# from local midnight, so a 3600 s job runs on the hour.
# The huddle sheet (docs/clinical-rules.md#huddle-sheet): how far back it looks for a child with
# no earlier completed visit, and how many children a printed page holds.
MEDHOME_HUDDLE_LOOKBACK_DAYS = env_int("MEDHOME_HUDDLE_LOOKBACK_DAYS", 90)
MEDHOME_HUDDLE_CHILDREN_PER_PAGE = env_int("MEDHOME_HUDDLE_CHILDREN_PER_PAGE", 5)
# The order of "what to do first" (docs/clinical-rules.md#huddle-first); empty: the default.
MEDHOME_HUDDLE_FIRST_ORDER = env_list("MEDHOME_HUDDLE_FIRST_ORDER", [])
MEDHOME_JOB_INTERVALS = {
    "referrals.follow_ups": env_int("MEDHOME_REFERRAL_FOLLOW_UP_EVERY_SECONDS", 60 * 60),
    "screening.alert_escalation": env_int("MEDHOME_ALERT_ESCALATION_EVERY_SECONDS", 5 * 60),
}
# A failing job is tried this many times in all, waiting base × 2^(attempt-1) seconds between
# tries (capped), then ends as a recorded failure (JobRun, status failed) staff can see.
# Modules outside the apps that register jobs (a drill such as bench/worker_kill.py).
MEDHOME_EXTRA_JOB_MODULES = env_list("MEDHOME_EXTRA_JOB_MODULES", [])
MEDHOME_JOB_MAX_ATTEMPTS = env_int("MEDHOME_JOB_MAX_ATTEMPTS", 5)
MEDHOME_JOB_RETRY_BASE_SECONDS = env_int("MEDHOME_JOB_RETRY_BASE_SECONDS", 30)
MEDHOME_JOB_RETRY_MAX_SECONDS = env_int("MEDHOME_JOB_RETRY_MAX_SECONDS", 60 * 60)
# The worker's housekeeping thread: heartbeat, schedule, recovery, every this many seconds.
MEDHOME_WORKER_TICK_SECONDS = env_int("MEDHOME_WORKER_TICK_SECONDS", 10)
# A worker not seen for this long is dead (kill -9, lost machine): the task it left RUNNING is
# tried again. A RUNNING task of a worker that never beat (a bare db_worker) counts as left
# behind once it has run longer than MEDHOME_TASK_STALE_SECONDS.
MEDHOME_WORKER_DEAD_AFTER_SECONDS = env_int("MEDHOME_WORKER_DEAD_AFTER_SECONDS", 60)
MEDHOME_TASK_STALE_SECONDS = env_int("MEDHOME_TASK_STALE_SECONDS", 60 * 60)
# Finished queue rows and job runs are kept this long (failures: longer, for whoever looks).
MEDHOME_JOB_KEEP_DAYS = env_int("MEDHOME_JOB_KEEP_DAYS", 14)
MEDHOME_JOB_KEEP_FAILED_DAYS = env_int("MEDHOME_JOB_KEEP_FAILED_DAYS", 90)

# --- Messages to families (medhome.messaging; docs/architecture.md "Reaching families") -----
# The SMS gateway, like EMAIL_BACKEND: locmem in tests, the local gateway of
# `manage.py run_sms_gateway` on the loopback address for the demo, Twilio in production.
MEDHOME_SMS_BACKEND = os.environ.get(
    "MEDHOME_SMS_BACKEND",
    {
        "test": "medhome.messaging.gateways.locmem.LocmemGateway",
        "production": "medhome.messaging.gateways.twilio.TwilioGateway",
    }.get(ENV, "medhome.messaging.gateways.local.LocalGateway"),
)
MEDHOME_SMS_OPTIONS = {
    "url": os.environ.get("MEDHOME_SMS_GATEWAY_URL", "http://127.0.0.1:8025"),
    "account_sid": os.environ.get("MEDHOME_TWILIO_ACCOUNT_SID", ""),
    "auth_token": os.environ.get("MEDHOME_TWILIO_AUTH_TOKEN", ""),
    "from_number": os.environ.get("MEDHOME_TWILIO_FROM", ""),
    "messaging_service_sid": os.environ.get("MEDHOME_TWILIO_MESSAGING_SERVICE_SID", ""),
}
# Webhooks are signed with the provider's auth token; the local gateway uses a local one.
MEDHOME_SMS_WEBHOOK_TOKEN = os.environ.get(
    "MEDHOME_TWILIO_AUTH_TOKEN", "local-gateway-token" if IS_LOCAL else ""
)
MEDHOME_MESSAGING = {
    # The address families and the provider reach medhome at (links and webhook signatures).
    "public_url": os.environ.get("MEDHOME_PUBLIC_URL", "http://127.0.0.1:8000"),
}

# Which families the case-review list names (docs/clinical-rules.md#case-review): medhome's own
# thresholds, no published source, so each practice's team may tune them here.
MEDHOME_CASE_REVIEW = {
    "open_tasks_at_least": env_int("MEDHOME_CASE_REVIEW_OPEN_TASKS", 3),
    "missed_visit_days": env_int("MEDHOME_CASE_REVIEW_MISSED_VISIT_DAYS", 90),
    "ed_visits_at_least": env_int("MEDHOME_CASE_REVIEW_ED_VISITS", 2),
    "ed_visit_months": env_int("MEDHOME_CASE_REVIEW_ED_MONTHS", 6),
    "unfollowed_screen_days": env_int("MEDHOME_CASE_REVIEW_UNFOLLOWED_SCREEN_DAYS", 14),
}

# The programs' values domain-reference §14 marks unverified, or is silent on (medhome.programs
# .definitions reads them when a practice adds a program; a practice may then adjust its row):
# how often a VIP family, a HealthySteps tier 2/3 family and a CHW's family are due for a
# contact, how often the DULCE team reviews each family (§14: weekly, unverified), and the age
# ranges of the partner programs (home visiting models and Help Me Grow vary by state).
MEDHOME_PROGRAMS: dict[str, dict[str, int]] = {
    "vip": {"contact_every_days": 92},
    "healthysteps": {"tier2_contact_every_days": 30, "tier3_contact_every_days": 30},
    "dulce": {"review_every_days": 7},
    "chw": {"contact_every_days": 14},
    "home_visiting": {"max_age_days": 1826},
    "help_me_grow": {"max_age_days": 2922},
}

# Group well-child care (medhome.groupcare; docs/clinical-rules.md#group-care, domain-reference
# §14 CenteringParenting). A cohort's babies are born "within a few weeks" of each other: 42 days
# (6 weeks) is medhome's reading of that, not a published figure. 6–8 families per group is §14's
# figure, marked unverified there: a proposal needs `min_families` and holds at most
# `max_families` (a family counts once, twins included). Sessions last about 2 hours (§14) and
# run "from the first weeks to about 2 years, aligned with the well-child schedule": the 1-month
# to the 24-month Bright Futures visits by default (schedule keys of medhome.periodicity).
MEDHOME_GROUPCARE = {
    "birth_span_days": env_int("MEDHOME_GROUPCARE_BIRTH_SPAN_DAYS", 42),
    "min_families": env_int("MEDHOME_GROUPCARE_MIN_FAMILIES", 6),
    "max_families": env_int("MEDHOME_GROUPCARE_MAX_FAMILIES", 8),
    "session_minutes": env_int("MEDHOME_GROUPCARE_SESSION_MINUTES", 120),
    "first_visit": os.environ.get("MEDHOME_GROUPCARE_FIRST_VISIT", "1mo"),
    "last_visit": os.environ.get("MEDHOME_GROUPCARE_LAST_VISIT", "24mo"),
}

# Public family materials the pre-visit page links to, per well-child visit (the schedule's keys)
# and language code: {"4mo": {"en": [{"title", "url", "source", "license"}, ...], "es": [...]}}
# (docs/clinical-rules.md#anticipatory-guidance; checked at start-up by medhome.ehr.materials).
# The default, CDC's milestone pages, and why: medhome/ehr/default_materials.py.
MEDHOME_FAMILY_MATERIALS = CDC_MILESTONE_MATERIALS

# --- medhome -------------------------------------------------------------------------------
# Break-glass access (medhome.breakglass): how long a grant lasts, the shortest reason accepted.
MEDHOME_BREAK_GLASS = {
    "minutes": env_int("MEDHOME_BREAK_GLASS_MINUTES", 60),
    "reason_min_length": env_int("MEDHOME_BREAK_GLASS_REASON_MIN_LENGTH", 20),
}
MEDHOME_DEMO_PASSWORD = "medhome-demo-2026"  # noqa: S105 - printed by `make demo`, synthetic data only

# The family experience survey after a visit (medhome.experience; docs/clinical-rules.md
# #family-experience). medhome rules, none from a published source:
MEDHOME_EXPERIENCE = {
    # At most one invitation per family in this many days: a family with several children or
    # visits in a month is asked once, not after each (survey fatigue). At least the family
    # link's 14-day life, so a family holds one live survey link at a time (start-up check
    # medhome.E102, medhome/experience/checks.py).
    "every_days": env_int("MEDHOME_EXPERIENCE_EVERY_DAYS", 30),
    # Hours after the visit's start before the survey is planned (the visit is over, the
    # family home); it then goes at the family's next allowed moment (messaging.rules).
    "after_hours": env_int("MEDHOME_EXPERIENCE_AFTER_HOURS", 3),
    # Completed visits looked back on by each sweep (a worker down for a day loses nothing).
    "look_back_days": env_int("MEDHOME_EXPERIENCE_LOOK_BACK_DAYS", 3),
    # Not for a child of this age or older: an adolescent's visit may hold confidential care
    # even when not labelled so (docs/clinical-rules.md#adolescent-confidentiality; the same
    # reason as messaging's check_in_below_age).
    "below_age": env_int("MEDHOME_EXPERIENCE_BELOW_AGE", 12),
    # Comments: at most this many characters (a short comment, readable on a phone).
    "comment_max_chars": env_int("MEDHOME_EXPERIENCE_COMMENT_MAX", 1000),
}

# OAuth 2 / OpenID Connect under SMART App Launch (medhome.smart; decisions/0019-fhir-and-smart.md).
# The toolkit's own models (model names, not secrets).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER = smart_oauth_settings(is_local=IS_LOCAL)  # medhome/oauth_settings.py

# The FHIR API (medhome.fhir): the most entries a search page may hold (`_count` is capped here).
MEDHOME_FHIR = {"default_count": 50, "max_count": 200}

# The Open Referral API (medhome.directory.openreferral): items a page holds unless `per_page`
# says otherwise, and the most it may hold (a larger `per_page` is lowered to it).
MEDHOME_OPENREFERRAL = {
    "default_per_page": env_int("MEDHOME_OPENREFERRAL_PER_PAGE", 50),
    "max_per_page": env_int("MEDHOME_OPENREFERRAL_MAX_PER_PAGE", 200),
}

# --- Gravity referral exchange (issue 20, medhome.exchange) -----------------------------------
# Partners' FHIR servers: how often their Tasks are read back (minutes; the IG's floor is 15,
# interop-codes §1.8 task-12), the request timeout (seconds), and the secrets by the names a
# PartnerEndpoint stores (token_env / notify_secret_env); a name not here is read from the
# environment. Secrets never go into the database or a log.
MEDHOME_EXCHANGE = {
    "poll_every_minutes": env_int("MEDHOME_EXCHANGE_POLL_MINUTES", 15),
    "timeout": 10,
    "secrets": {},
    # Private networks a partner's FHIR server may sit in (CIDRs, e.g. a VPN); none by default.
    "private_networks": env_list("MEDHOME_EXCHANGE_PRIVATE_NETWORKS", []),
}

# FHIR Bulk Data export (medhome.fhir.export; https://hl7.org/fhir/uv/bulkdata/STU2/): where the
# NDJSON files are written (one directory per job, files named by random ids), how long a
# finished export's files are kept, how often a client is told to poll, rows read per query,
# how long a worker's claim on a job lasts without news (a dead worker's job is taken again
# after it) and how many times a job is tried.
MEDHOME_FHIR_EXPORT = {
    "directory": os.environ.get("MEDHOME_FHIR_EXPORT_DIR", str(BASE_DIR / "var" / "exports")),
    "keep_hours": env_int("MEDHOME_FHIR_EXPORT_KEEP_HOURS", 24),
    "retry_after_seconds": env_int("MEDHOME_FHIR_EXPORT_RETRY_AFTER", 10),
    "chunk_rows": env_int("MEDHOME_FHIR_EXPORT_CHUNK_ROWS", 2000),
    "lease_seconds": env_int("MEDHOME_FHIR_EXPORT_LEASE_SECONDS", 600),
    "max_attempts": env_int("MEDHOME_FHIR_EXPORT_MAX_ATTEMPTS", 3),
}

# SMART on FHIR (medhome.smart): the OpenID Connect signing key (RS256; its public half is served
# at /oauth/jwks/). Production reads it from MEDHOME_OIDC_RSA_PRIVATE_KEY (PEM); a local
# environment makes one under var/ on first use (never committed: var/ is ignored).
MEDHOME_SMART = {
    "launch_seconds": 300,  # an EHR launch context is usable once, within this time
    "assertion_max_seconds": 300,  # Backend Services: a client assertion expires within 5 min
}


OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = oidc_private_key(BASE_DIR / "var", local=IS_LOCAL)
if not OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]:
    OAUTH2_PROVIDER["OIDC_ENABLED"] = False  # production without a key: no id_token, no fhirUser

# --- Running it for real (issue 21, part 1: deploy; docs/deploy.md) ---------------------------
# /readyz fails when no worker beat for this many seconds (3 ticks) or a due task waited longer.
_THREE_TICKS = 3 * MEDHOME_WORKER_TICK_SECONDS
MEDHOME_READY_WORKER_SECONDS = env_int("MEDHOME_READY_WORKER_SECONDS", _THREE_TICKS)
MEDHOME_READY_QUEUE_SECONDS = env_int("MEDHOME_READY_QUEUE_SECONDS", 10 * 60)
# The deployment's own proxies (addresses or networks, comma-separated): behind them the client's
# address is read from X-Forwarded-For (core.middleware.TrustedProxyMiddleware).
MEDHOME_TRUSTED_PROXIES = env_list("MEDHOME_TRUSTED_PROXIES", [])
# The audit trail's monthly partitions and retention (medhome.audit.partitions; docs/deploy.md,
# "Audit trail retention"). Partitioning is PostgreSQL's; on SQLite the table stays one table.
MEDHOME_AUDIT = {
    # The daily job keeps a partition ready for this month and this many months ahead.
    "partition_months_ahead": env_int("MEDHOME_AUDIT_PARTITION_MONTHS_AHEAD", 3),
    # Whole months of events kept; None keeps them forever (the default). A value below the legal
    # minimum stops the server from starting (system check medhome.E103).
    "retention_months": (
        env_int("MEDHOME_AUDIT_RETENTION_MONTHS", 0)
        if os.environ.get("MEDHOME_AUDIT_RETENTION_MONTHS")
        else None
    ),
    # Never drop an event younger than this: HIPAA keeps the documentation its policies require,
    # audit records among them, for six years (45 CFR 164.316(b)(2)(i)); a state's or payer's
    # longer rule raises it.
    "legal_minimum_months": env_int("MEDHOME_AUDIT_LEGAL_MINIMUM_MONTHS", 72),
}
# The worker's nightly backup (medhome.ops.scheduled; docs/deploy.md §12): off without a directory.
MEDHOME_BACKUPS = {
    "directory": os.environ.get("MEDHOME_BACKUP_DIR", ""),
    "keep": env_int("MEDHOME_BACKUP_KEEP", 14),
    "encrypt_to": os.environ.get("MEDHOME_BACKUP_ENCRYPT_TO", ""),
}
# Probes may reach gunicorn over plain HTTP on a private address: no redirect to https for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Failed logins (allauth) and wrong family-link tokens per address are counted in Django's
# cache: per process unless several processes share it through Redis.
if MEDHOME_REDIS_URL := os.environ.get("MEDHOME_REDIS_URL", ""):
    _REDIS = "django.core.cache.backends.redis.RedisCache"
    CACHES = {"default": {"BACKEND": _REDIS, "LOCATION": MEDHOME_REDIS_URL}}
