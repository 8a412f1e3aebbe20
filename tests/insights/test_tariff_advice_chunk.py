"""The nightly chunk's tariff-priced advice for real customers, in a retailer made for
this module (`epsilon`, dropped afterwards): two demo homes with fourteen months of
readings, one on the flat product and one on the time-of-use Night Saver (its day band
tiered).

- the Night Saver home gets a load shift priced with its own bands (the flat one, where
  moving load saves nothing, gets none);
- both get this month's bill forecast priced by the engine with their own product,
  standing charges for the whole month included.
"""
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.domain.audit import Actor
from accounts.domain.contracts import contract_create
from accounts.domain.demo_tariffs import demo_products
from accounts.models import Account, Customer, MeterPoint
from core.ranges import local_date
from insights.models import CustomerInsight, Recommendation
from insights.runs import run_chunk_compute, run_plan, run_start
from tariffs.domain.catalogue import tariff_version_create
from tariffs.models import Product, TariffVersion

SCHEMA = "epsilon"
ZONE = "Europe/London"
SINCE = date(2025, 1, 1)
STANDING = {"ALPHA-FLEX": Decimal("0.48"), "ALPHA-NIGHT-SAVER": Decimal("0.52")}


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _contracts(now) -> dict[int, str]:
    """Customer id -> the product of the contract given to it (through the services)."""
    for spec in demo_products("alpha", time_zone=ZONE):  # the demo's terms
        spec = dict(spec)
        definition = spec.pop("definition")
        product = Product.objects.create(code=spec.pop("code"),
                                         **{**spec, "available_from": SINCE})
        tariff_version_create(product=product, active_from=SINCE, active_to=None,
                              definition=definition, currency="GBP")
    chosen = {}
    customers = Customer.objects.filter(kind="HOUSEHOLD").order_by("pk")[:2]
    for customer, code in zip(customers, STANDING, strict=True):
        account = Account.objects.create(customer=customer, number=f"{customer.reference}-A")
        contract_create(
            customer=customer, account=account,
            meter_point=MeterPoint.objects.get(premise__customer=customer),
            active_from=SINCE, active_to=None,
            tariff_version=TariffVersion.objects.get(product__code=code),
            settlement="MONTHLY", payment="POSTPAY", today=local_date(now, ZONE),
            actor=Actor.system(at=now))
        chosen[customer.pk] = code
    return chosen


@pytest.fixture(scope="module")
def epsilon(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        run("create_retailer", f"--schema={SCHEMA}", "--name=Epsilon Energy",
            "--host=epsilon.localhost", f"--time-zone={ZONE}", "--currency=GBP",
            "--staff-email=admin@epsilon.invalid")
        run("generate_demo_readings", f"--schema={SCHEMA}", "--meters=2", "--months=14")
        with schema_context(SCHEMA):
            chosen = _contracts(timezone.now())
    yield chosen
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{SCHEMA}" CASCADE')
            cursor.execute("DELETE FROM tenants_domain WHERE domain = 'epsilon.localhost'")
            cursor.execute("DELETE FROM tenants_retailer WHERE schema_name = %s", [SCHEMA])
            cursor.execute("DELETE FROM market_pricerevision WHERE point_id IN (SELECT id FROM "
                           "market_pricepoint WHERE source = 'demo-weather')")
            cursor.execute("DELETE FROM market_pricepoint WHERE source = 'demo-weather'")


def test_time_of_use_load_shift_and_engine_priced_forecast(epsilon, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        now = timezone.now()
        started = run_start(on=local_date(now, ZONE) - timedelta(days=1), now=now)
        (chunk,) = run_plan(run_id=started.pk)
        run_chunk_compute(run_id=started.pk, customer_ids=chunk, time_zone=ZONE,
                          currency="GBP", now=now)
        reports = {r.customer_id: r.report for r in CustomerInsight.objects.filter(
            run=started, customer_id__in=list(epsilon))}
        assert set(reports) == set(epsilon)
        for customer, code in epsilon.items():
            report = reports[customer]
            forecast = report["forecast"]
            assert forecast["priced_with"] == code
            days = (date.fromisoformat(forecast["period_end"])
                    - date.fromisoformat(forecast["period_start"])).days
            assert Decimal(forecast["standing_charge"]) == STANDING[code] * days
            assert Decimal(forecast["amount"]) > Decimal(forecast["standing_charge"])
            shifts = Recommendation.objects.filter(run=started, customer_id=customer,
                                                   kind="load_shift")
            if code == "ALPHA-FLEX":
                assert "load_shift" not in report and not shifts.exists()
                continue
            shift = report["load_shift"]
            assert shift["days"] >= 360
            # the evening at the day band's price, moved into the night band (0.085)
            assert Decimal(shift["cost_after"]) < Decimal(shift["cost_before"])
            (recommendation,) = shifts
            assert recommendation.money_per_year > 0
