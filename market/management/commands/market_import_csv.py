"""Back-fill one instrument's series from a CSV file (format: market/feeds/csv_file.py)."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import GridlineError
from market.domain.prices import SaveResult, prices_save
from market.feeds.csv_file import csv_points
from market.models import Instrument


class Command(BaseCommand):
    help = 'Back-fill a series from CSV; prints {"read", "inserted", "updated", "rejected"}.'

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--instrument", required=True, help="instrument code")
        parser.add_argument("--source", help="source recorded on each point "
                                             "(default csv:<file name>)")

    def handle(self, *args, file, instrument, source, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if not Instrument.objects.filter(code=instrument).exists():
            raise CommandError(f"unknown instrument {instrument!r}")
        total = SaveResult()
        received_at = timezone.now()
        try:
            for chunk in csv_points(path=path, instrument=instrument):
                # Back-fills publish nothing live; only feeds push ticks.
                total.add(prices_save(points=chunk, received_at=received_at,
                                      source=source or f"csv:{path.name}", publish=False))
        except GridlineError as exc:
            raise CommandError(exc.detail) from exc
        for rejection in total.rejections[:20]:
            self.stderr.write(f"line {rejection.point.line}: {rejection.reason}")
        if total.rejected > 20:
            self.stderr.write(f"... and {total.rejected - 20} more rejected rows")
        self.stdout.write(json.dumps(total.counts()))
