"""Run the market feeds in a loop (the `market_feed` process of `make run`).

    manage.py market_feed [--interval 5] [--once] [--feed simulator]
                          [--feed http:/path/to/config.json] [--feed csv:/path/file.csv:CODE]

Each round asks every feed for points and saves them; a feed that fails is logged and
the others carry on; the next round tries it again.
"""
import json
import logging
import signal
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import GridlineError
from market.domain.prices import prices_save
from market.feeds.csv_file import CsvFeed
from market.feeds.http_json import HttpJsonConfig, HttpJsonFeed
from market.feeds.simulator import SimulatorFeed

logger = logging.getLogger(__name__)


def feed_from_spec(spec: str):
    kind, _, rest = spec.partition(":")
    if kind == "simulator":
        return SimulatorFeed(seed=int(rest) if rest else 7)
    if kind == "http":
        return HttpJsonFeed(config=HttpJsonConfig.from_dict(json.loads(Path(rest).read_text())))
    if kind == "csv":
        path, _, code = rest.rpartition(":")
        return CsvFeed(path=Path(path), instrument=code)
    raise CommandError(f"unknown feed {spec!r} (simulator, http:CONFIG.json, csv:FILE:CODE)")


class Command(BaseCommand):
    help = "Run the market feeds: fetch, validate, save and push prices."

    def add_arguments(self, parser):
        parser.add_argument("--feed", action="append", dest="feeds",
                            help="simulator[:SEED] | http:CONFIG.json | csv:FILE:CODE "
                                 "(repeatable; default simulator)")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="seconds between rounds (default 5)")
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args, feeds, interval, once, **options):
        feeds = [feed_from_spec(spec) for spec in (feeds or ["simulator"])]
        stopping = []
        if not once:
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while True:
                started = time.monotonic()
                for feed in feeds:
                    self.run_round(feed)
                if once or stopping:
                    return
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
                if stopping:
                    return
        except KeyboardInterrupt:  # Ctrl-C in the terminal reaches every process of make run
            return

    def run_round(self, feed):
        now = timezone.now()
        try:
            points = feed.fetch(now=now)
        except GridlineError as exc:
            logger.warning("market feed %s skipped this round: %s", feed.name, exc.detail)
            return
        if not points:
            return
        result = prices_save(points=points, received_at=now, source=feed.name)
        logger.info("market feed %s: %s", feed.name, json.dumps(result.counts()))
        self.stdout.write(json.dumps({"feed": feed.name, **result.counts()}))
