"""The embedded default: with no DATABASE_URL/REDIS_URL, real servers from pip packages.

Run as root (as on CI), this also covers PostgreSQL's refusal to run as root: pgserver
runs it as a service user of its own."""
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_services_run_starts_and_stops_postgres_and_redis(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(GRIDLINE_DATA_DIR=str(tmp_path / "data"),
               GRIDLINE_EMBEDDED_REDIS_PORT=str(_free_port()))
    probe = (
        "import os, psycopg2, redis;"
        "c = psycopg2.connect(os.environ['DATABASE_URL']); cur = c.cursor();"
        "cur.execute('SELECT current_database(), version()'); print(*cur.fetchone());"
        "print('redis', redis.Redis.from_url(os.environ['REDIS_URL']).ping())"
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "services.py"), "run", "--",
         sys.executable, "-c", probe],
        env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("gridline PostgreSQL")
    assert "redis True" in result.stdout
    assert "stopped embedded PostgreSQL" in result.stderr
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True)
    assert leftover.stdout.strip() == "", "a server outlived the command"

