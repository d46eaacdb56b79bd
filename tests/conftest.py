"""Shared fixtures: one database URL per backend, and a migrated Storage on it.

``db_url`` runs a test on SQLite (a file in ``tmp_path``) and on PostgreSQL (the server named by
``WATCHER_TEST_DATABASE_URL``, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
Other test runs may use that database at the same time, so every PostgreSQL test gets a schema
of its own (``t_<uuid>``, first on the ``search_path`` of the URL it receives), dropped after.

With ``WATCHER_REQUIRE_POSTGRES=1`` (CI) a skipped PostgreSQL test fails the session.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from watcher.storage import Storage

PG_URL_ENV = "WATCHER_TEST_DATABASE_URL"
REQUIRE_PG_ENV = "WATCHER_REQUIRE_POSTGRES"


def make_pg_url(base_url: str, schema: str, **query: str) -> str:
    """``base_url`` with ``schema`` first on the search path (plus any extra query options,
    e.g. ``application_name``)."""
    url = make_url(base_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}", **query})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_URL_ENV}, e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    return base


def _pg_schema_url(base: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex}"
    admin_url = make_url(base)
    if admin_url.drivername == "postgresql":
        admin_url = admin_url.set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"{PG_URL_ENV} is set but PostgreSQL is not usable: {exc}", pytrace=False)
    try:
        yield make_pg_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """The CLI (and tests of its logging) set the root logger up with a handler on the stream
    of the moment: pytest's capture, or CliRunner's, closed after the test. Put the root
    logger back, or a later test's library logging ("Logging error ... closed file") fails."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 / localhost: (certificate, key)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl CLI is needed to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    key, crt = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(crt), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=30,
    )
    return crt, key


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'watcher.db'}"
        return
    yield from _pg_schema_url(request.getfixturevalue("pg_base_url"))


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL for an empty PostgreSQL schema, for PostgreSQL-only tests."""
    yield from _pg_schema_url(request.getfixturevalue("pg_base_url"))


@pytest.fixture
def storage(db_url: str) -> Iterator[Storage]:
    """A migrated Storage on ``db_url``, closed after the test."""
    store = Storage(db_url)
    store.migrate()
    try:
        yield store
    finally:
        store.close()


# --- CI guard: PostgreSQL tests must not be skipped silently ---------------------------------

_skipped_postgres: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "postgres" in report.keywords:
        _skipped_postgres.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get(REQUIRE_PG_ENV) == "1" and _skipped_postgres:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if os.environ.get(REQUIRE_PG_ENV) == "1" and _skipped_postgres:
        terminalreporter.section("PostgreSQL required", sep="=", red=True, bold=True)
        terminalreporter.line(
            f"{REQUIRE_PG_ENV}=1 but {len(_skipped_postgres)} PostgreSQL test(s) were skipped "
            f"(is {PG_URL_ENV} set and the server reachable?):", red=True)
        for nodeid in _skipped_postgres[:20]:
            terminalreporter.line(f"  {nodeid}")
