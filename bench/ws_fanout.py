"""Live price fan-out: N WebSocket clients on one ASGI server, one tick per second per
instrument, latency from save to client receipt.

    python bench/ws_fanout.py --clients 1000 --seconds 60 [--instruments 1] [--port PORT]

Starts its own uvicorn (one process) on 127.0.0.1, or uses --port; creates BENCH-*
instruments in the database named by DATABASE_URL; saves each tick through the real save
path (`prices_save`: validation, upsert, on-commit publish) and measures from just before
that call to the moment a client reads the message. The clients run in separate processes
(`--client-procs`, default 1) so their work does not sit in the server's way; times are
CLOCK_MONOTONIC, shared by all processes of the machine. Clients connect to
alpha.localhost (the Host header is sent; nothing needs to resolve).
Runs 100 clients first as the baseline, then N, and ends with
`clients=<n> p50_ms=<a> p95_ms=<b> p99_ms=<c> lost=<k>`.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "alpha.localhost"
BASE = datetime(2100, 1, 1, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, ws: str):
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), "config.asgi:application",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log", "--ws", ws],
        cwd=ROOT, env=dict(os.environ),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("uvicorn did not start")


# --- client processes (no Django in here) --------------------------------------------

def _recording_connection(received):
    """A websockets client connection that stamps each tick as its frame is parsed, in
    the protocol callback, instead of queueing it for a reader task: the time is when this
    client has the message, not when a busy benchmark process gets round to it."""
    from websockets.asyncio.client import ClientConnection
    from websockets.frames import Frame, Opcode

    class Recording(ClientConnection):
        recording = False

        def process_event(self, event):
            if self.recording and isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                at = time.perf_counter()
                message = json.loads(event.data)
                if message.get("type") == "tick":
                    received[(message["instrument"], message["interval_start"])] = at
                    return
            super().process_event(event)

    return Recording


async def _client(port, codes, ready, sockets, received):
    from websockets.asyncio.client import connect

    sock = socket.create_connection(("127.0.0.1", port))
    sock.setblocking(False)
    async with connect(f"ws://{HOST}:{port}/ws/market/", sock=sock,
                       additional_headers={"Origin": f"http://{HOST}:{port}"},
                       open_timeout=120, max_queue=None, compression=None,
                       create_connection=_recording_connection(received)) as ws:
        sockets.append(ws)
        await ws.send(json.dumps({"subscribe": codes}))
        while json.loads(await ws.recv())["type"] != "subscribed":
            pass
        ws.recording = True
        ready()
        await ws.wait_closed()  # the run closes it


async def _clients(port, codes, count, ready_queue, stop_event):
    sockets = []
    results = [{} for _ in range(count)]
    connected = 0

    def ready():
        nonlocal connected
        connected += 1
        if connected == count:
            ready_queue.put(("ready", count))

    tasks = []
    for index in range(count):
        tasks.append(asyncio.create_task(_client(port, codes, ready, sockets, results[index])))
        if index % 25 == 24:
            await asyncio.sleep(0.05)  # do not stampede the accept queue
    while not stop_event.is_set():
        await asyncio.sleep(0.2)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    errors = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    return results, errors


def client_process(port, codes, count, ready_queue, result_queue, stop_event):
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    results, errors = asyncio.run(_clients(port, codes, count, ready_queue, stop_event))
    cpu = sum(os.times()[:2])
    result_queue.put((results, errors, cpu))


# --- publisher (Django) ----------------------------------------------------------------

def ensure_instruments(count: int) -> list[str]:
    from market.models import Instrument, PricePoint

    codes = [f"BENCH-{i + 1}" for i in range(count)]
    for code in codes:
        Instrument.objects.get_or_create(code=code, defaults=dict(
            name=f"Benchmark {code}", kind="GAS", unit="EUR/MWh", currency="EUR",
            interval_minutes=1))
    PricePoint.objects.filter(instrument__code__in=codes).delete()
    return codes


def publish(codes, seconds, offset) -> dict:
    """One tick per second per instrument through the real save path."""
    from market.domain.prices import RawPoint, prices_save

    sent = {}
    # Warm up (untimed): the feed process keeps its Redis connection open between ticks.
    warm = BASE + timedelta(minutes=offset - 1)
    prices_save(points=[RawPoint(code, warm, "0") for code in codes],
                received_at=datetime.now(UTC), source="bench")
    time.sleep(0.5)
    begin = time.perf_counter()
    for second in range(seconds):
        start = BASE + timedelta(minutes=offset + second)
        for number, code in enumerate(codes):
            sent[(code, start.isoformat())] = time.perf_counter()
            prices_save(points=[RawPoint(code, start, f"{50 + second % 7}.{number}")],
                        received_at=datetime.now(UTC), source="bench")
        time.sleep(max(0.0, begin + second + 1 - time.perf_counter()))
    return sent


def _cpu(pid):
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(port, clients, seconds, codes, offset, procs, verbose=False, server_pid=None):
    import numpy as np

    context = multiprocessing.get_context("spawn")
    ready_queue, result_queue = context.Queue(), context.Queue()
    stop_event = context.Event()
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    workers = [context.Process(target=client_process, daemon=True,
                               args=(port, codes, share, ready_queue, result_queue, stop_event))
               for share in shares if share]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready_queue.get(timeout=180)
    time.sleep(1.0)
    server_cpu = _cpu(server_pid)
    sent = publish(codes, seconds, offset)
    if verbose and server_pid:
        print(f"  server: {_cpu(server_pid) - server_cpu:.2f} s CPU during {seconds} s of ticks")
    time.sleep(2.0)  # stragglers
    stop_event.set()
    received, errors = [], []
    for _ in workers:
        results, worker_errors, cpu = result_queue.get(timeout=120)
        received += results
        errors += worker_errors
        if verbose:
            print(f"  client process: {len(results)} clients, {cpu:.1f} s CPU")
    for worker in workers:
        worker.join(timeout=30)
    latencies, lost = [], 0
    for client in received:
        for key, sent_at in sent.items():
            got = client.get(key)
            if got is None:
                lost += 1
            else:
                latencies.append((got - sent_at) * 1000)
    lost += (clients - len(received)) * len(sent)
    if verbose:
        for key, sent_at in sorted(sent.items(), key=lambda item: item[1]):
            times = sorted((c[key] - sent_at) * 1000 for c in received if key in c)
            if times:
                print(f"  {key[0]} {key[1][11:16]}  first {times[0]:.1f} ms  "
                      f"median {times[len(times) // 2]:.1f} ms  last {times[-1]:.1f} ms")
    if errors:
        print(f"client errors: {len(errors)}, e.g. {errors[0]}", file=sys.stderr)
    values = np.array(latencies) if latencies else np.array([float("nan")])
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return f"clients={clients} p50_ms={p50:.1f} p95_ms={p95:.1f} p99_ms={p99:.1f} lost={lost}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--instruments", type=int, default=1)
    parser.add_argument("--client-procs", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="per-tick first/median/last")
    parser.add_argument("--ws", default="auto", help="uvicorn's WebSocket implementation")
    parser.add_argument("--port", type=int, help="use a running server instead of starting one")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the 100-client run printed for comparison")
    args = parser.parse_args()
    if not (1 <= args.seconds <= 600 and 1 <= args.clients <= 10000
            and 1 <= args.instruments <= 50 and 1 <= args.client_procs <= 16):
        parser.error("--seconds 1..600, --clients 1..10000, --instruments 1..50, "
                     "--client-procs 1..16")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # Its own channel-layer prefix, shared with the server it starts: other runs on the
    # same Redis see none of its traffic.
    os.environ.setdefault("GRIDLINE_CHANNELS_PREFIX", f"gridline-bench-{os.getpid()}:asgi")
    import django

    django.setup()
    from django.db import connection

    from market.models import Instrument, PricePoint

    codes = ensure_instruments(args.instruments)
    port = args.port or free_port()
    server = None if args.port else start_server(port, args.ws)
    try:
        runs = [] if args.no_baseline or args.clients == 100 else [100]
        lines = []
        for number, clients in enumerate(runs + [args.clients]):
            lines.append(run(port, clients, args.seconds, codes, offset=number * 10000,
                             procs=args.client_procs, verbose=args.verbose,
                             server_pid=server.pid if server else None))
            print(lines[-1], flush=True)
        if len(lines) > 1:
            print(f"baseline (100 clients): {lines[0]}   this run: {lines[-1]}")
            print(lines[-1])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        PricePoint.objects.filter(instrument__code__in=codes).delete()
        Instrument.objects.filter(code__in=codes).delete()
        connection.close()


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
