"""The Spanish interface: the language switcher, pages in Spanish, and a complete catalogue.

The catalogue tests read locale/es/LC_MESSAGES/django.po with the small parser below (no polib),
so they fail when makemessages brought in a string nobody translated yet, left a fuzzy guess,
lost a placeholder, or when the .mo was not compiled after the last change to the .po.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from medhome.accounts.models import User
from medhome.accounts.roles import Role
from medhome.practices.middleware import SESSION_PRACTICE_KEY
from medhome.practices.models import Membership, Practice

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"


@pytest.fixture(autouse=True)
def _language_restored():
    """Requests activate a language in this thread; leave it as it was for the next test."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def pediatrician(db) -> User:
    practice = Practice.objects.create(name="Harborview Family Pediatrics", state="MA")
    user = User.objects.create_user(
        username="i18n-pediatrician",
        password="a-long-test-passphrase-2026",
        first_name="Amara",
        last_name="Okafor",
    )
    Membership.objects.create(user=user, practice=practice, role=Role.PEDIATRICIAN)
    return user


@pytest.fixture
def staff_client(pediatrician) -> Client:
    """A pediatrician logged in and working in their practice, with no language chosen yet."""
    client = Client()
    client.force_login(pediatrician)
    session = client.session
    session[SESSION_PRACTICE_KEY] = str(pediatrician.memberships.get().practice.pk)
    session.save()
    return client


def switch_language(client: Client, language: str, next_url: str):
    """Submit the switcher form as the browser does."""
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def switcher(html: str) -> str:
    match = re.search(r'<form class="language-switch".*?</form>', html, re.DOTALL)
    assert match, "the language switcher is missing from the page"
    return match.group(0)


# --- the switcher and the pages ----------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_english_by_default_and_offers_spanish(client):
    html = client.get(reverse("account_login")).content.decode()

    assert '<html lang="en">' in html
    assert "Log in to medhome" in html
    form = switcher(html)
    assert f'action="{reverse("set_language")}"' in form
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{reverse("account_login")}"' in form
    assert '<label for="language-switch-select">Language</label>' in form
    assert '<select id="language-switch-select" name="language">' in form
    assert '<option value="en" lang="en" selected>English</option>' in form
    assert '<option value="es" lang="es">Español</option>' in form
    assert '<button type="submit" class="link-button">Change</button>' in form


@pytest.mark.django_db
def test_login_page_in_spanish_from_the_browser_language():
    client = Client(headers={"accept-language": "es-US,es;q=0.9,en;q=0.5"})
    html = client.get(reverse("account_login")).content.decode()

    assert '<html lang="es">' in html
    assert "Inicie sesión en medhome" in html
    assert "Log in to medhome" not in html
    form = switcher(html)
    assert '<label for="language-switch-select">Idioma</label>' in form
    assert '<option value="es" lang="es" selected>Español</option>' in form
    assert ">Cambiar</button>" in form


@pytest.mark.django_db
def test_switching_the_login_page_to_spanish_and_back(client):
    login = reverse("account_login") + "?next=/children/"

    response = switch_language(client, "es", login)

    assert response.status_code == 302
    assert response.url == login
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    html = client.get(login).content.decode()
    assert "Inicie sesión en medhome" in html
    assert ">Iniciar sesión</button>" in html

    switch_language(client, "en", login)
    assert "Log in to medhome" in client.get(login).content.decode()


@pytest.mark.django_db
def test_logged_in_pages_follow_the_chosen_language(staff_client):
    search = reverse("families:search")

    response = switch_language(staff_client, "es", search)
    assert (response.status_code, response.url) == (302, search)
    html = staff_client.get(search).content.decode()

    assert '<html lang="es">' in html
    assert "<h1>Buscar niño/a</h1>" in html
    assert ">Registrar una familia</a>" in html
    assert ">Cerrar sesión</button>" in html
    assert "Harborview Family Pediatrics" in html  # data is shown as entered, never translated
    assert f'name="next" value="{search}"' in switcher(html)

    switch_language(staff_client, "en", search)
    html = staff_client.get(search).content.decode()
    assert "<h1>Find a child</h1>" in html
    assert ">Log out</button>" in html


@pytest.mark.django_db
def test_an_unknown_language_is_ignored(client):
    switch_language(client, "xx", reverse("account_login"))

    html = client.get(reverse("account_login")).content.decode()
    assert "Log in to medhome" in html


# --- the catalogue -------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "a": "\a", "b": "\b"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
CONTINUATION = re.compile(r'^"(.*)"\s*$')


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid "")."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def start(line_number: int) -> Entry:
        nonlocal entry
        if entry is None:
            entry = Entry(line=line_number)
            entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        elif line.startswith("#,"):
            start(number).flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#"):
            continue
        current = start(number)
        current.obsolete = current.obsolete or obsolete
        if match := KEYWORD.match(line):
            keyword, index, text = match.groups()
            if keyword.startswith("msgstr"):
                # a msgctxt or msgid after a msgstr would start a new entry: not in valid files
                target = ("msgstr", int(index) if index is not None else 0)
                current.msgstr[target[1]] = unescape(text)
            else:
                target = (keyword, None)
                setattr(current, keyword, unescape(text))
        elif (match := CONTINUATION.match(line)) and target is not None:
            text = unescape(match.group(1))
            if target[0] == "msgstr":
                current.msgstr[target[1]] += text
            else:
                setattr(current, target[0], getattr(current, target[0]) + text)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot read {raw!r}")
    return entries


def messages() -> list[Entry]:
    return [entry for entry in parse_po(PO_FILE) if entry.msgid != "" or entry.msgctxt]


def nplurals() -> int:
    header = next(entry for entry in parse_po(PO_FILE) if entry.msgid == "")
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the .po header has no Plural-Forms"
    return int(match.group(1))


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{\s*\w+\s*\}\}|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_catalogue_can_be_read():
    entries = messages()
    assert len(entries) > 100
    by_id = {entry.msgid: entry for entry in entries}
    assert by_id["Log in to medhome"].msgstr == {0: "Inicie sesión en medhome"}
    days = by_id["%(n)d day"]
    assert days.msgid_plural == "%(n)d days"
    assert "python-format" in days.flags


def test_every_message_is_translated_and_none_is_fuzzy():
    plural_forms = nplurals()
    header = next(entry for entry in parse_po(PO_FILE) if entry.msgid == "")
    problems = []
    if "fuzzy" in header.flags:
        problems.append("header: fuzzy")
    for entry in messages():
        where = f"line {entry.line} {entry.msgid!r}"
        if entry.obsolete:
            problems.append(f"{where}: obsolete (#~), delete it")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy")
        expected = set(range(plural_forms)) if entry.msgid_plural is not None else {0}
        if set(entry.msgstr) != expected:
            problems.append(f"{where}: msgstr forms {sorted(entry.msgstr)}, not {sorted(expected)}")
        if not all(text.strip() for text in entry.msgstr.values()):
            problems.append(f"{where}: untranslated")
    assert problems == []


def test_translations_keep_every_placeholder():
    problems = []
    for entry in messages():
        for index, text in entry.msgstr.items():
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if placeholders(text) != placeholders(source):
                problems.append(f"{entry.msgid!r} [{index}]: {text!r}")
    assert problems == []


def test_the_compiled_catalogue_is_up_to_date():
    """compilemessages ran after the last change to the .po."""
    with MO_FILE.open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in messages():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        for index, text in entry.msgstr.items():
            compiled = catalog.get((key, index) if entry.msgid_plural is not None else key)
            if compiled != text:
                stale.append(entry.msgid)
    assert stale == []


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """makemessages over the code finds no string that the Spanish catalogue lacks, so a page in
    Spanish shows no English left behind. It runs on a copy: from a folder that links to the
    code and has no locale/ of its own, into a copy of the catalogue."""
    import shutil

    from django.core.management import call_command

    root = Path(settings.BASE_DIR)
    source = tmp_path / "source"
    source.mkdir()
    for name in ("medhome", "templates"):
        (source / name).symlink_to(root / name, target_is_directory=True)
    catalogue = tmp_path / "locale"
    (catalogue / "es" / "LC_MESSAGES").mkdir(parents=True)
    copy = catalogue / "es" / "LC_MESSAGES" / "django.po"
    shutil.copy(PO_FILE, copy)
    before = PO_FILE.read_bytes()
    settings.LOCALE_PATHS = [catalogue]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["es"], symlinks=True, no_obsolete=True, verbosity=0)
    missing = [
        entry.msgid
        for entry in parse_po(copy)
        # makemessages fills a new string from a similar one and marks it fuzzy: a guess, which
        # gettext never shows, so it is as missing as an empty one.
        if entry.msgid
        and ("fuzzy" in entry.flags or not all(text.strip() for text in entry.msgstr.values()))
    ]
    assert PO_FILE.read_bytes() == before
    assert len(parse_po(copy)) > 100
    assert missing == [], missing
