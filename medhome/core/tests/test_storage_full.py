"""A full disk answers with its own page (503): nothing was saved, trying again will not help.

The fault drill of issue 21 part 5: SQLite's real SQLITE_FULL (a database capped at its size by
`PRAGMA max_page_count`) and PostgreSQL's disk_full (SQLSTATE 53100) are recognised, the page says
so without PHI, and the capped database is intact afterwards (`PRAGMA integrity_check`)."""

import sqlite3

import psycopg.errors
import pytest
from django.db import OperationalError
from django.db.utils import DatabaseErrorWrapper
from django.http import HttpRequest
from django.urls import include, path

from medhome.core.views import storage_full

FILLER = "x" * 3000


class _Wrapped:
    """What Django's backends do with a driver's error: `DatabaseErrorWrapper` turns it into
    django.db's own class, the driver's error as its cause."""

    class Database:
        DataError = IntegrityError = ProgrammingError = NotSupportedError = type(None)
        DatabaseError = InterfaceError = InternalError = type(None)
        OperationalError = (sqlite3.OperationalError, psycopg.errors.OperationalError)
        Error = Exception


def as_django(error: Exception) -> OperationalError:
    wrapper = DatabaseErrorWrapper(_Wrapped)
    try:
        with wrapper:
            raise error
    except OperationalError as wrapped:
        return wrapped
    raise AssertionError("not wrapped")


def real_sqlite_full() -> tuple[sqlite3.OperationalError, str]:
    """Fill a database capped at its own size until SQLite refuses; then check it."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE notes (body TEXT)")
    db.execute("INSERT INTO notes VALUES (?)", [FILLER])
    db.commit()
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    # One transaction (`with db`): SQLite rolls it back.
    with pytest.raises(sqlite3.OperationalError) as refused, db:
        for _ in range(100):
            db.execute("INSERT INTO notes VALUES (?)", [FILLER])
    (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
    assert db.execute("SELECT count(*) FROM notes").fetchone() == (1,)  # nothing half-saved
    return refused.value, integrity


def test_sqlite_full_is_recognised_and_leaves_the_database_intact():
    error, integrity = real_sqlite_full()
    assert storage_full(as_django(error))
    assert integrity == "ok"


def test_postgresql_disk_full_is_recognised_by_its_sqlstate():
    error = psycopg.errors.DiskFull("could not extend file: No space left on device")
    assert storage_full(as_django(error))


def test_other_errors_are_not_a_full_disk():
    assert not storage_full(as_django(sqlite3.OperationalError("database is locked")))
    assert not storage_full(as_django(psycopg.errors.QueryCanceled("canceling statement")))
    assert not storage_full(RuntimeError("database or disk is full"))
    assert not storage_full(None)


def full_disk(request: HttpRequest):
    raise as_django(real_sqlite_full()[0])


def broken(request: HttpRequest):
    raise as_django(sqlite3.OperationalError("no such table: families_child"))


urlpatterns = [path("full/", full_disk), path("broken/", broken), path("", include("medhome.urls"))]
handler500 = "medhome.core.views.server_error"


@pytest.mark.urls(__name__)
def test_a_request_that_fills_the_disk_says_so(client):
    client.raise_request_exception = False

    response = client.get("/full/")

    body = response.content.decode()
    assert response.status_code == 503
    assert "run out of storage space" in body
    assert "Trying again will not help" in body
    assert response["X-Request-ID"] in body


@pytest.mark.urls(__name__)
def test_any_other_database_error_keeps_the_ordinary_page(client):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "families_child" not in response.content.decode()
