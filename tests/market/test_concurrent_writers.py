"""Two writers saving the same new points at once: both batches land, none is lost to a
unique-constraint error."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from market.domain.prices import RawPoint, prices_save
from market.models import Instrument, PricePoint

CODE = "TEST-RACE"
T0 = datetime(2026, 7, 1, tzinfo=UTC)


@pytest.fixture
def instrument(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        Instrument.objects.create(code=CODE, name="Race", kind="GAS", unit="EUR/MWh",
                                  interval_minutes=60)
    yield CODE
    with django_db_blocker.unblock():
        PricePoint.objects.filter(instrument__code=CODE).delete()
        Instrument.objects.filter(code=CODE).delete()


def test_simultaneous_writers_take_turns(instrument, django_db_blocker):
    rounds, writers = 15, 4
    barrier = threading.Barrier(writers)
    results, errors = [], []

    def writer(value):
        try:
            with django_db_blocker.unblock():
                for batch in range(rounds):
                    barrier.wait()
                    start = T0 + timedelta(hours=24 * batch)
                    results.append(prices_save(
                        points=[RawPoint(CODE, start + timedelta(hours=h), value)
                                for h in range(24)],
                        received_at=timezone.now(), source=f"writer-{value}", publish=False))
        except Exception as exc:  # reported below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(str(v % 2),)) for v in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(r.inserted for r in results) == 24 * rounds
    with django_db_blocker.unblock():
        assert PricePoint.objects.filter(instrument__code=CODE).count() == 24 * rounds
