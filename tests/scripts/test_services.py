"""scripts/services.py: the embedded Redis of `make run` / `make test`.

Two runs side by side each get their own Redis on a free port (even with the old fixed
port taken), and a run whose output pipe is gone still stops its Redis on Ctrl-C."""
import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import redis

from tests.conftest import ROOT, ctrl_c_enabled, wait_for

WAIT = "import os, time; print(os.environ['REDIS_URL'], flush=True); time.sleep(120)"


def _start(data_dir, **popen):
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "GRIDLINE_EMBEDDED_REDIS_PORT")}
    env["GRIDLINE_DATA_DIR"] = str(data_dir)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "services.py"), "run", "--",
         sys.executable, "-c", WAIT],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=ctrl_c_enabled, **popen,
    )


def _redis_servers(*urls):
    """The live redis-server processes serving these URLs (Redis renames its process to
    `redis-server HOST:PORT`, so the port is what finds it)."""
    wanted = {url.rsplit(":", 1)[1].split("/")[0] for url in urls}
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if (proc.info["status"] != psutil.STATUS_ZOMBIE and "redis-server" in cmdline
                and cmdline.rsplit(":", 1)[-1].split()[0] in wanted):
            found.append(proc)
    return found


def _ctrl_c(proc):
    os.killpg(proc.pid, signal.SIGINT)


def test_two_runs_side_by_side_each_get_a_redis_even_with_the_old_port_taken(tmp_path):
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", 63790))  # the port the embedded Redis used to insist on
        taken.listen()
        first = _start(tmp_path)
        second = _start(tmp_path)  # the same checkout: `make test` while `make run` is up
        try:
            urls = [first.stdout.readline().strip(), second.stdout.readline().strip()]
            assert all(url.startswith("redis://127.0.0.1:") for url in urls), (
                urls, first.stderr.read() if first.poll() is not None else "")
            assert urls[0] != urls[1]
            for url in urls:
                assert redis.Redis.from_url(url).ping() is True
            assert "63790" not in " ".join(urls)
        finally:
            for proc in (first, second):
                _ctrl_c(proc)
                proc.wait(timeout=30)
    assert _redis_servers(*urls) == []


def test_ctrl_c_stops_redis_when_nobody_reads_the_output_any_more(tmp_path):
    """`make run | tee log`, Ctrl-C: tee dies with the same Ctrl-C, so every write of the
    shutdown fails; an impatient second Ctrl-C follows. No Redis may stay behind."""
    proc = _start(tmp_path)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("redis://"), proc.stderr.read() if proc.poll() is not None else ""
        assert len(_redis_servers(url)) == 1
    finally:
        proc.stdout.close()  # the reader (tee) is gone
        proc.stderr.close()
        _ctrl_c(proc)
        time.sleep(0.3)
        if proc.poll() is None:
            _ctrl_c(proc)
        proc.wait(timeout=30)
    wait_for(lambda: _redis_servers(url) == [], timeout=10,
             what="the embedded Redis stopping")


def test_redis_dies_with_a_killed_run_and_the_next_run_starts_clean(tmp_path):
    proc = _start(tmp_path)
    url = proc.stdout.readline().strip()
    orphans = _redis_servers(url)
    assert len(orphans) == 1
    os.killpg(proc.pid, signal.SIGKILL)  # no chance to clean up
    proc.wait(timeout=10)
    # The parent-death signal takes it down at once; the pid file is the second line.
    wait_for(lambda: _redis_servers(url) == [], timeout=10,
             what="the orphaned Redis stopping")
    again = _start(tmp_path)
    try:
        url_again = again.stdout.readline().strip()
        assert len(_redis_servers(url_again)) == 1
    finally:
        _ctrl_c(again)
        again.wait(timeout=30)
    assert _redis_servers(url_again) == []
