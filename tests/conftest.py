"""Shared fixtures: a test database with the demo world (alpha and beta), and real processes
(an ASGI server, a Celery worker) started against it when a test asks for them.

Actors: alice is a household customer at alpha, bob one at beta; alpha-staff and beta-staff
are their retailers' sales staff; each retailer has a partner API client.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.domain.demo import DEMO_PASSWORD, demo_seed

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """The test database, migrated, with both demo retailers committed (their schemas are
    created once per run; tests roll their own changes back or clean up after themselves).

    Replaces pytest-django's fixture, which sets up no database for a run whose tests only
    use live processes (they need committed rows, so they do not take the `db` fixture).
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
        )
        demo_seed(host_suffix="localhost", now=timezone.now())
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        teardown_databases(db_cfg, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)  # this run's uploads
    shutil.rmtree(settings.PROMETHEUS_MULTIPROC_DIR, ignore_errors=True)  # and metrics


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    connection.set_schema_to_public()


def committed_session(schema: str, username: str) -> str:
    """A logged-in session key for `username` in `schema`, committed so that server
    processes started by the tests can read it (call it with the database unblocked)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    from accounts.users.models import User

    with schema_context(schema):
        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key


def open_websocket(port: int, host: str, path: str, *, origin=None, session=None):
    """A real WebSocket to the test ASGI server as a browser on `host` would open it.

    *.localhost names need not resolve on this machine; the Host header is what counts,
    so the socket goes to 127.0.0.1 and the URL carries the host."""
    import socket as socket_module

    from websockets.sync.client import connect

    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if session is not None:
        headers["Cookie"] = f"sessionid={session}"
    sock = socket_module.create_connection(("127.0.0.1", port))
    return connect(f"ws://{host}:{port}{path}", sock=sock, additional_headers=headers,
                   open_timeout=10)


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


def login(client: Client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def alpha(db):
    return host_client("alpha.localhost")


@pytest.fixture
def beta(db):
    return host_client("beta.localhost")


@pytest.fixture
def alice(alpha):
    response = login(alpha, "alice")
    assert response.status_code == 302, response.content[:500]
    return alpha


@pytest.fixture
def bob(beta):
    response = login(beta, "bob")
    assert response.status_code == 302
    return beta


# --- real processes --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """DATABASE_URL with the test database's name, for processes the tests start."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


def child_env() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        GRIDLINE_TEST_RUN_ID=os.environ["GRIDLINE_TEST_RUN_ID"],
        PYTHONUNBUFFERED="1",
    )
    return env


def ctrl_c_enabled():
    """preexec_fn for a child that a test stops with SIGINT: a shell's background job
    inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(predicate, *, timeout: float, what: str, proc=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        if predicate():
            return
        time.sleep(0.1)
    detail = Path(log).read_text()[-3000:] if log else ""
    raise AssertionError(f"{what} did not happen within {timeout}s\n{detail}")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, tmp_path_factory):
    """uvicorn serving config.asgi against the test database; yields its port."""
    port = free_port()
    log = tmp_path_factory.mktemp("asgi") / "uvicorn.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=child_env(), stdout=out, stderr=subprocess.STDOUT,
        )

    def listening():
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    wait_for(listening, timeout=30, what="uvicorn listening", proc=proc, log=log)
    yield port
    stop(proc)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory):
    """A real Celery worker process on this run's queues; yields its hostname.

    Started as `make run` starts its worker (no -Q): it consumes every queue of
    CELERY_TASK_QUEUES, which the test settings name after this run (default, ingest,
    billing, insights), so parallel runs on one Redis never take each other's tasks."""
    from config.ops.heartbeat import heartbeats_read

    name = f"test-{os.environ['GRIDLINE_TEST_RUN_ID']}@{socket.gethostname()}"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool", "solo",
             "-n", name, "-l", "info"],
            cwd=ROOT, env=child_env(), stdout=out, stderr=subprocess.STDOUT,
        )
    wait_for(lambda: name in heartbeats_read(), timeout=60, what="worker heartbeat",
             proc=proc, log=log)
    yield name
    stop(proc)
