"""What `make run` runs (scripts/run.py): everything comes up, and SIGINT stops all of it."""
import json
import re
import signal
import subprocess
import sys
import time
import urllib.request

import psutil

from tests.conftest import ROOT, child_env, ctrl_c_enabled, free_port, wait_for


def _get(port, host, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_run_serves_both_retailers_and_ctrl_c_stops_every_process(django_db_setup, tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            # Demo readings are left out: they would stay in the shared test database.
            [sys.executable, str(ROOT / "scripts" / "run.py"), "--port", str(port),
             "--no-demo-readings"],
            # Its own metrics folder: run.py empties it at start (the run's folder of the
            # test settings is left alone), and no token: run.py makes one and prints it.
            cwd=ROOT, env={**{k: v for k, v in child_env().items()
                              if k != "GRIDLINE_METRICS_TOKEN"},
                           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")},
            stdout=out, stderr=subprocess.STDOUT, preexec_fn=ctrl_c_enabled,
        )
    try:
        wait_for(lambda: "Gridline is running" in log.read_text(), timeout=120,
                 what="the welcome text", proc=proc, log=log)
        text = log.read_text()
        assert f"http://alpha.localhost:{port}/" in text
        assert f"http://beta.localhost:{port}/" in text
        assert "alice" in text and "bob" in text and "beta-staff" in text
        for host, name in (("alpha.localhost", b"Alpha Energy"), ("beta.localhost", b"Beta Power")):
            status, body = _get(port, host, "/login/")
            assert (status, name in body) == (200, True)

        def healthy():
            status, body = _get(port, "alpha.localhost", "/healthz")
            return status == 200 and json.loads(body)["status"] == "ok"

        wait_for(healthy, timeout=60, what="/healthz 200 with the run's own worker")
        # Where the metrics are, with the token to scrape them.
        token = re.search(r"Authorization: Bearer (dev-\S+)' "
                          rf"http://localhost:{port}/metrics", text).group(1)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={
            "Host": "localhost", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert b"gridline_celery_workers" in response.read()
        assert _get(port, "localhost", "/metrics")[0] == 401
        assert (tmp_path / "metrics").is_dir()
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 3  # web, worker (+ its pool), beat
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while any(child.is_running() and child.status() != psutil.STATUS_ZOMBIE
              for child in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"still running after Ctrl-C: {[c.cmdline() for c in alive]}"
