"""Benchmark of the consumption API: one meter-day of half-hours, through HTTP.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/consumption_api.py [--seconds 10]
        [--api partner|compat]

Uses the benchmark database and retailer of bench/ingest.py (created if missing), gives
one meter two days of demo readings, a partner client with a token (scope readings:read)
and the customer's consent; starts uvicorn (`--workers`, default 2) on a free port and
keeps `--concurrency` keep-alive HTTP/1.1 connections busy with
`GET /api/v1/meters/<serial>/consumption/?period_from=<day>&period_to=<next day>` for
`--seconds` (`--api compat`: the Octopus-compatible API's
`GET /v1/electricity-meter-points/<mpan>/meters/<serial>/consumption/?...` with the
customer's API key, docs/api_compat.md). The server is uvicorn's WSGI interface (a pool
of 10 threads per worker, each keeping its database connection, DATABASE_CONN_MAX_AGE=60):
under ASGI, Django runs each request's sync code in a new thread context, so with
CONN_MAX_AGE > 0 every request leaves a connection open (the server ran out of PostgreSQL
connections), and with 0 every request opens one (~3 ms each).

The floor, measured in the same run on the same server (settings, workers, host routing and
middleware): `GET /bench/floor/?bytes=<n>` (config/ops/bench_floor.py, routed only because
the server runs with GRIDLINE_BENCH_FLOOR=1) answers a body of the consumption response's
size with no authentication and no database, for as long, with as many connections.
Ends with `requests_per_s=<x> p95_ms=<y> floor_requests_per_s=<z> of_floor=<x/z>`.
Target (DESIGN.md): ≥ 800 req/s.
"""
import argparse
import asyncio
import base64
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import SCHEMA, TIME_ZONE, bench_environment  # noqa: E402

HOST = f"{SCHEMA}.localhost"
DAY = datetime(2026, 1, 14, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare() -> tuple[str, str, str, str]:
    """A meter with readings, a partner token and the customer's consent, and a key of the
    customer for the Octopus-compatible API: (serial, mpan, token, key)."""
    import io

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_tenants.utils import schema_context
    from oauth2_provider.models import AccessToken, Application

    from accounts.domain.api_keys import api_key_create
    from accounts.domain.audit import Actor
    from accounts.models import AuditChannel, Consent, CustomerUser
    from accounts.users.models import Role
    from metering.domain.demo import demo_csv_write
    from metering.domain.demo_meters import demo_meters_ensure
    from metering.domain.ingest import IngestOptions, readings_ingest_file
    from metering.models import Meter

    with schema_context(SCHEMA):
        (serial, kind), = demo_meters_ensure(count=1, installed_at=datetime(2020, 1, 1,
                                                                              tzinfo=UTC))
        text = io.StringIO()
        demo_csv_write(out=text, serials=[serial], kinds=[kind], start_at=DAY,
                       intervals=96, gap_rate=0, spike_rate=0, time_zone=TIME_ZONE)
        readings_ingest_file(stream=io.BytesIO(text.getvalue().encode()), file_format="csv",
                             source="bench", now=timezone.now(),
                             options=IngestOptions(time_zone=TIME_ZONE))
        User = get_user_model()
        user, _ = User.objects.get_or_create(username="bench-partner",
                                             defaults={"role": Role.PARTNER})
        app, _ = Application.objects.get_or_create(
            client_id="bench-partner",
            defaults={"user": user, "name": "bench", "client_type": "confidential",
                      "authorization_grant_type": "client-credentials"})
        token = AccessToken.objects.create(
            token=secrets.token_urlsafe(24), application=app, scope="readings:read",
            expires=timezone.now() + timedelta(hours=2))
        meter = Meter.objects.select_related("meter_point__premise").get(serial=serial)
        customer = meter.meter_point.premise.customer
        Consent.objects.get_or_create(customer=customer, client_id="bench-partner",
                                      defaults={"granted_at": timezone.now()})
        login, _ = User.objects.get_or_create(username="bench-customer",
                                              defaults={"role": Role.CUSTOMER})
        CustomerUser.objects.get_or_create(user=login, defaults={"customer": customer})
        key = api_key_create(customer=customer, user=login, actor=Actor(
            channel=AuditChannel.SYSTEM, at=timezone.now(), user=login)).key
    return serial, meter.meter_point.mpan, token.token, key


def authorization(*, token: str | None = None, key: str | None = None) -> str:
    """The header line a partner (bearer token) or a customer's key (HTTP Basic) sends."""
    if key is not None:
        return f"Authorization: Basic {base64.b64encode(f'{key}:'.encode()).decode()}\r\n"
    return f"Authorization: Bearer {token}\r\n" if token else ""


async def load(port: int, path: str, auth: str, seconds: float, concurrency: int,
               expect: bytes):
    """Keep `concurrency` connections busy with GET `path` for `seconds`; each answer must
    be a 200 whose body holds `expect`."""
    request = (f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n{auth}"
               "Connection: keep-alive\r\n\r\n").encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            if not head.startswith(b"HTTP/1.1 200") or expect not in body:
                if not errors:
                    print("first error:", head[:200], body[:300])
                errors += 1
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - began


def body_size(port: int, path: str, auth: str) -> int:
    """The consumption response's body length, from one request."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n{auth}"
                      "Connection: close\r\n\r\n").encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"the consumption API answered {head[:200]!r}")
    return len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--api", choices=["partner", "compat"], default="partner")
    args = parser.parse_args()
    bench_environment()
    serial, mpan, token, key = prepare()
    port = free_port()
    # The WSGI deployment keeps each thread's database connection (docs/operations.md).
    # The rate limit is raised past what one client sends here, so every request still
    # pays the throttle's Redis round trip but none is refused.
    env = dict(os.environ, DJANGO_DEBUG="0", DATABASE_CONN_MAX_AGE="60",
               GRIDLINE_API_RATE="100000000/minute",
               GRIDLINE_COMPAT_API_RATE="100000000/minute", GRIDLINE_BENCH_FLOOR="1")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), "config.wsgi:application",
         "--interface", "wsgi",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
         "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("uvicorn did not start")
            time.sleep(0.2)
        day_from = DAY.strftime("%Y-%m-%dT%H:%M:%SZ")
        day_to = (DAY + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        query = f"?period_from={day_from}&period_to={day_to}&page_size=100"
        if args.api == "compat":
            path = f"/v1/electricity-meter-points/{mpan}/meters/{serial}/consumption/{query}"
            auth = authorization(key=key)
        else:
            path = f"/api/v1/meters/{serial}/consumption/{query}"
            auth = authorization(token=token)
        size = body_size(port, path, auth)
        floor = f"/bench/floor/?bytes={size}"
        asyncio.run(load(port, path, auth, 2, args.concurrency, b'"count":48'))  # warm-up
        asyncio.run(load(port, floor, "", 2, args.concurrency, b'"xx'))
        latencies, errors, elapsed = asyncio.run(
            load(port, path, auth, args.seconds, args.concurrency, b'"count":48'))
        floor_latencies, floor_errors, floor_elapsed = asyncio.run(
            load(port, floor, "", args.seconds, args.concurrency, b'"xx'))
    finally:
        server.terminate()
        server.wait(timeout=20)
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    floor_p95 = statistics.quantiles(floor_latencies, n=20)[-1] * 1000
    rate, floor_rate = len(latencies) / elapsed, len(floor_latencies) / floor_elapsed
    print(f"api:   {args.api} requests={len(latencies)} errors={errors} seconds={elapsed:.1f} "
          f"concurrency={args.concurrency} workers={args.workers} body_bytes={size}")
    print(f"floor: requests={len(floor_latencies)} errors={floor_errors} "
          f"seconds={floor_elapsed:.1f} p95_ms={floor_p95:.1f}")
    print(f"requests_per_s={rate:.0f} p95_ms={p95:.1f} floor_requests_per_s={floor_rate:.0f} "
          f"of_floor={rate / floor_rate:.2f}")


if __name__ == "__main__":
    main()
