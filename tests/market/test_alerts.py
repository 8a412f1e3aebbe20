"""A retailer's price alerts: thresholds raise notices for its staff, once per interval,
in its own schema only, and its browsers (not another retailer's) hear about them."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from config.celery import app
from core.tasks import RetailerTask
from market.alerts.domain import alerts_evaluate
from market.alerts.models import AlertNotice, PriceAlert
from market.domain.prices import RawPoint, prices_save
from market.models import Instrument
from tests.conftest import host_client, login

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def save(values, *, at, start=T0):
    prices_save(points=[RawPoint("DA-NORTH", start + timedelta(hours=h), str(v))
                        for h, v in enumerate(values)], received_at=at, source="test",
                publish=False)


@pytest.fixture
def alpha_alert(db):
    with schema_context("alpha"):
        return PriceAlert.objects.create(
            name="Day-ahead over 100", instrument=Instrument.objects.get(code="DA-NORTH"),
            direction="ABOVE", threshold=Decimal("100"), checked_until=T0)


def notices(schema):
    with schema_context(schema):
        return list(AlertNotice.objects.order_by("interval_start")
                    .values_list("interval_start", "value"))


def test_a_breach_raises_one_notice_per_interval(alpha_alert, monkeypatch):
    sent = []
    monkeypatch.setattr("market.alerts.domain.tenant_message_publish",
                        lambda **kwargs: sent.append(kwargs))
    save([90, 120, 150], at=T0 + timedelta(minutes=1))
    with schema_context("alpha"):
        result = alerts_evaluate(now=T0 + timedelta(minutes=2))
    assert (result.alerts, result.notices) == (1, 2)
    assert notices("alpha") == [(T0 + timedelta(hours=1), Decimal("120")),
                                (T0 + timedelta(hours=2), Decimal("150"))]

    # A revision of a breached hour does not raise it twice; a new breach does.
    save([90, 130, 150, 101], at=T0 + timedelta(minutes=3))
    with schema_context("alpha"):
        assert alerts_evaluate(now=T0 + timedelta(minutes=4)).notices == 1
    assert len(notices("alpha")) == 3


def test_below_thresholds(db):
    with schema_context("beta"):
        PriceAlert.objects.create(name="Negative", direction="BELOW", threshold=Decimal("0"),
                                  instrument=Instrument.objects.get(code="DA-NORTH"),
                                  checked_until=T0)
    save([5, -1, 0], at=T0 + timedelta(minutes=1))
    with schema_context("beta"):
        alerts_evaluate(now=T0 + timedelta(minutes=2))
    assert notices("beta") == [(T0 + timedelta(hours=1), Decimal("-1"))]


def test_another_retailers_alerts_and_notices_are_apart(alpha_alert):
    save([500], at=T0 + timedelta(minutes=1))
    with schema_context("beta"):
        assert alerts_evaluate(now=T0 + timedelta(minutes=2)).alerts == 0
    assert notices("beta") == []
    with schema_context("alpha"):
        alerts_evaluate(now=T0 + timedelta(minutes=2))
    assert len(notices("alpha")) == 1 and notices("beta") == []


def test_after_commit_the_retailers_own_browsers_are_told(alpha_alert, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("market.alerts.domain.tenant_message_publish",
                        lambda **kwargs: sent.append(kwargs))
    save([200], at=T0 + timedelta(minutes=1))
    with schema_context("alpha"), django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(now=T0 + timedelta(minutes=2))
    assert [(m["schema_name"], m["payload"]["type"], m["payload"]["value"]) for m in sent] == [
        ("alpha", "alert", "200.0000")]


def test_the_periodic_task_is_a_retailer_task_scheduled_for_every_retailer(settings):
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert isinstance(app.tasks["market_alerts.evaluate"], RetailerTask)
    entry = settings.CELERY_BEAT_SCHEDULE["market-alerts-evaluate"]
    assert entry["task"] == "market_alerts.evaluate" and "tenant_schemas" not in entry


def test_staff_see_notices_in_their_admin(alpha_alert):
    save([300], at=T0 + timedelta(minutes=1))
    with schema_context("alpha"):
        alerts_evaluate(now=T0 + timedelta(minutes=2))
    staff = host_client("alpha.localhost")
    assert login(staff, "alpha-staff").status_code == 302
    page = staff.get("/admin/market_alerts/alertnotice/")
    assert page.status_code == 200
    assert b"Day-ahead over 100" in page.content
    assert staff.get("/admin/market_alerts/pricealert/add/").status_code == 200


def test_an_instrument_an_alert_uses_cannot_be_deleted(db):
    from django.db import IntegrityError, connection, transaction

    from tests.market.factories import InstrumentFactory

    used, unused = InstrumentFactory(), InstrumentFactory()
    with schema_context("alpha"):
        PriceAlert.objects.create(name="x", instrument=used, direction="ABOVE", threshold=1)
    with transaction.atomic():
        unused.delete()  # the public schema's delete does not trip over tenant tables
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        used.delete()
