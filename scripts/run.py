"""`make run`: services, migrations, demo data, then web + Celery worker + beat until Ctrl-C.

Every process it starts is stopped when it stops (Ctrl-C, SIGTERM, or one of them dying).
"""
import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import DATA_DIR, ROOT, services_env  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def say(text: str) -> None:
    """Print, unless nobody reads any more: after Ctrl-C on `make run | tee log` the pipe
    is closed, and stopping must go on regardless."""
    try:
        print(text, flush=True)
    except (OSError, ValueError):
        pass


def manage(env, *args, capture=False):
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    if capture:
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    subprocess.run(command, env=env, check=True)
    return ""


def print_welcome(env, port):
    creds = json.loads(manage(env, "demo_credentials", f"--port={port}", capture=True))
    lines = ["", "Gridline is running. Ctrl-C stops everything.", ""]
    platform = creds.pop("platform")
    lines += [
        f"  Platform        {platform['url']}",
        f"  Operator admin  {platform['admin']}  "
        f"({platform['operator']['username']} / {platform['operator']['password']})",
        f"  Health          {platform['url']}healthz",
        f"  Operations      {platform['admin']}operations/  (every retailer red/amber/green)",
        f"  Metrics         {platform['url']}metrics  (Prometheus; Bearer token below)",
        f"                  curl -H 'Authorization: Bearer {env['GRIDLINE_METRICS_TOKEN']}' "
        f"{platform['url']}metrics",
        "",
    ]
    for slug, info in creds.items():
        customers = ", ".join(c["username"] for c in info["customers"])
        password = info["staff"]["password"]
        lines += [
            f"  {info['name']} ({slug})",
            f"    Portal        {info['url']}  (customers: {customers}; password {password})",
            f"    Staff admin   {info['admin']}  ({info['staff']['username']} / {password}: "
            f"sales staff; {info['administrator']['username']} / {password}: administrator)",
            # seed_demo's cooperative (cooperatives/services/demo.py) and its manager login
            f"    Cooperative   {info['url']}cooperatives/  ({slug}-coop / {password}: "
            f"{slug.upper()}-COOP's generator dashboard; members see it from their portal)",
            f"    Partner API   {info['api']}  "
            f"(docs {info['api']}docs/, schema {info['api']}schema/)",
            f"    Token         POST {info['partner']['token_url']} grant_type=client_credentials "
            f"client_id={info['partner']['client_id']} "
            f"client_secret={info['partner']['client_secret']}",
            f"    Partner reads consumption of {info['partner']['consent']['customer']} "
            "(consent seeded; customers grant and revoke it in the portal)",
            "",
        ]
    lines.append("  All logins as JSON: .venv/bin/python manage.py demo_credentials")
    say("\n".join(lines))


def metrics_prepare(env) -> None:
    """A fresh metrics folder for this run's processes (prometheus-client's multiprocess
    files: counters start from zero, nothing of a dead run's processes is left), and a
    token for /metrics unless one is set."""
    folder = Path(env.get("PROMETHEUS_MULTIPROC_DIR") or DATA_DIR / "metrics")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    env.setdefault("GRIDLINE_METRICS_TOKEN", "dev-" + secrets.token_urlsafe(12))


def start(env, name, command):
    say(f"[run] starting {name}: {' '.join(command)}")
    return name, subprocess.Popen(command, env=env, cwd=ROOT)


def stop_all(processes):
    # Further Ctrl-Cs (an impatient user, who may see nothing once the pipe is gone) must
    # not cut the stopping short: the children, then the services, all go down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for _, proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, proc in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"[run] {name} did not stop in time; killing it")
            proc.kill()
            proc.wait()


def _sigterm_as_ctrl_c(signum, frame):
    # SIGTERM takes the same road out as Ctrl-C: stop the children, then the services.
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default=os.environ.get("GRIDLINE_BIND", "127.0.0.1"))
    parser.add_argument("--no-demo-readings", dest="demo_readings", action="store_false",
                        help="skip generating demo meter readings (faster start)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _sigterm_as_ctrl_c)

    with services_env() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env["PORT"] = str(args.port)
        metrics_prepare(env)
        processes = []
        try:
            manage(env, "migrate_schemas", "--executor=standard", "-v", "0")
            manage(env, "seed_demo")
            if args.demo_readings:
                # Idempotent: the same meters and the same (seeded) readings each time.
                # Fourteen months of 30 meters (the seeded customers and enough demo homes
                # to compare with), with each region's hourly temperatures: insights needs
                # a year of baseline; billing history (bills, payments, a correction,
                # dunning) covers the last four months; then the first insights run.
                for slug in ("alpha", "beta"):
                    manage(env, "generate_demo_readings", f"--schema={slug}", "--meters=30",
                           "--months=14")
                    manage(env, "billing_demo", f"--schema={slug}")
                    manage(env, "insights_demo", f"--schema={slug}")
            processes = [
                start(env, "web", [str(VENV_BIN / "uvicorn"), "config.asgi:application",
                                   "--host", args.host, "--port", str(args.port)]),
                # No -Q: the worker consumes every queue in CELERY_TASK_QUEUES (default,
                # ingest, billing, insights); tests/conftest.py starts its worker alike.
                start(env, "worker", [str(VENV_BIN / "celery"), "-A", "config", "worker",
                                      "-l", "info", "--concurrency", "2"]),
                start(env, "beat", [str(VENV_BIN / "celery"), "-A", "config", "beat",
                                    "-l", "info"]),
                start(env, "market_feed", [sys.executable, str(ROOT / "manage.py"),
                                           "market_feed"]),
            ]
            time.sleep(2)
            print_welcome(env, args.port)
            while all(proc.poll() is None for _, proc in processes):
                time.sleep(0.5)
            dead = [name for name, proc in processes if proc.poll() is not None]
            say(f"[run] {', '.join(dead)} stopped; stopping the rest")
            return 1
        except KeyboardInterrupt:
            say("\n[run] stopping")
            return 0
        finally:
            stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())
