"""Bills worked out by hand, one per shape of tariff and contract, billed through the
billing run's domain path (plan, chunk, close) and read back from the database.

Every expected figure is computed in the comments from the readings and the rates; London
time, contracts from 1 January 2026 unless a test says otherwise."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from billing.models import Bill, BillKind, RunIssue
from core.ranges import DateRange, local_days
from market.models import Instrument, PricePoint
from tests.billing.conftest import bill_now
from tests.billing.world import LONDON, flat, household, month, product, readings


def lines(bill):
    return [(line.kind, line.band, line.tier, line.quantity, line.unit_price, line.amount)
            for line in bill.lines.order_by("position")]


def only_bill(account) -> Bill:
    (bill,) = Bill.objects.filter(account=account).exclude(status="CANCELLED")
    return bill


def test_fixed_and_unit_price_across_the_spring_clock_change(in_alpha):
    version = product("HW-FLAT", flat(unit="0.20", standing="0.50", vat="0.05"))
    account, meter, _ = household("HW1", version)
    # March 2026: 31 days, Sunday 29 March has 46 half-hours: 31 x 48 - 2 = 1486 readings.
    assert readings(meter, month(2026, 3), "0.5") == 1486
    bill_now(month(2026, 3), account_ids=[account.pk])
    bill = only_bill(account)
    # standing 31 days x 0.50 = 15.50; energy 1486 x 0.5 = 743 kWh x 0.20 = 148.60;
    # VAT 5% of 164.10 = 8.205 -> 8.21 (half up); total 172.31.
    assert lines(bill) == [
        ("standing", "", None, Decimal("31"), Decimal("0.5"), Decimal("15.50")),
        ("energy", "standard", None, Decimal("743"), Decimal("0.2"), Decimal("148.60")),
        ("tax", "", None, Decimal("164.10"), Decimal("0.05"), Decimal("8.21")),
    ]
    assert (bill.total_exc_tax, bill.tax, bill.total_inc_tax) == (
        Decimal("164.10"), Decimal("8.21"), Decimal("172.31"))
    assert (bill.period_start, bill.period_end) == (date(2026, 3, 1), date(2026, 4, 1))
    assert bill.number.startswith("ALPHA-2026-") and bill.status == "ISSUED"
    assert bill.kwh == Decimal("743") and bill.estimated_share == 0


def economy7(**extra) -> dict:
    return {**flat(**extra), "energy_schedule": {
        "bands": ["night", "day"], "default_band": "day",
        "rules": [{"band": "night", "start": "00:30", "end": "07:30"}]},
        "unit_rates": [{"band": "night", "tiers": [{"unit_price": "0.10"}]},
                       {"band": "day", "tiers": [{"unit_price": "0.30"}]}]}


def test_time_of_use_across_the_autumn_clock_change(in_alpha):
    version = product("HW-E7", economy7(standing="0.40"))
    account, meter, _ = household("HW2", version)
    # October 2026: Sunday 25 October has 50 half-hours (01:00-02:00 twice): 1490 readings.
    assert readings(meter, month(2026, 10), "1") == 1490
    bill_now(month(2026, 10), account_ids=[account.pk])
    bill = only_bill(account)
    # Night 00:30-07:30 on the wall clock: 14 half-hours a day, 16 on the 25th (the repeated
    # 01:00 and 01:30): 30 x 14 + 16 = 436 kWh x 0.10 = 43.60. Day: 34 a day, 31 x 34 =
    # 1054 kWh x 0.30 = 316.20. Standing 31 x 0.40 = 12.40. No VAT. Total 372.20.
    assert lines(bill) == [
        ("standing", "", None, Decimal("31"), Decimal("0.4"), Decimal("12.40")),
        ("energy", "night", None, Decimal("436"), Decimal("0.1"), Decimal("43.60")),
        ("energy", "day", None, Decimal("1054"), Decimal("0.3"), Decimal("316.20")),
    ]
    assert bill.total_inc_tax == Decimal("372.20")


def test_tiers(in_alpha):
    definition = flat(standing="0")
    definition["unit_rates"] = [{"band": "standard", "tiers": [
        {"unit_price": "0.30", "upper": "100"}, {"unit_price": "0.20"}]}]
    definition.pop("standing_charge")
    account, meter, _ = household("HW3", product("HW-TIERS", definition))
    readings(meter, month(2026, 4), "0.25")  # 30 x 48 x 0.25 = 360 kWh
    bill_now(month(2026, 4), account_ids=[account.pk])
    # first 100 kWh x 0.30 = 30.00; the other 260 x 0.20 = 52.00; total 82.00
    assert lines(only_bill(account)) == [
        ("energy", "standard", 1, Decimal("100"), Decimal("0.3"), Decimal("30.00")),
        ("energy", "standard", 2, Decimal("260"), Decimal("0.2"), Decimal("52.00")),
    ]
    assert only_bill(account).total_inc_tax == Decimal("82.00")


def test_demand_charge(in_alpha):
    definition = flat(unit="0.10")
    definition.pop("standing_charge")
    definition["demand_charges"] = [{"tiers": [{"unit_price": "5.00"}], "name": "capacity"}]
    account, meter, _ = household("HW4", product("HW-DEMAND", definition))
    peak = datetime(2026, 4, 14, 18, 0)
    readings(meter, month(2026, 4),
             lambda at: "1.5" if at.replace(tzinfo=None) == peak else "0.2")
    bill_now(month(2026, 4), account_ids=[account.pk])
    # 1439 x 0.2 + 1.5 = 289.3 kWh x 0.10 = 28.93; the peak half-hour 1.5 kWh = 3 kW x 5.00
    # = 15.00; total 43.93.
    assert lines(only_bill(account)) == [
        ("energy", "standard", None, Decimal("289.3"), Decimal("0.1"), Decimal("28.93")),
        ("demand", "", None, Decimal("3"), Decimal("5"), Decimal("15.00")),
    ]


@pytest.fixture
def instrument(in_alpha):
    with schema_context("public"):
        return Instrument.objects.create(code="HW-DA", name="Test day-ahead",
                                         kind="POWER_DAY_AHEAD", unit="GBP/kWh",
                                         currency="GBP", interval_minutes=30)


def _prices(instrument, days: DateRange, price) -> None:
    instants = local_days(days, LONDON)
    at, points = instants.start.astimezone(UTC), []
    while at < instants.end:
        points.append(PricePoint(instrument=instrument, interval_start=at,
                                 value=Decimal(price(at)), received_at=at, source="test"))
        at += timedelta(minutes=30)
    with schema_context("public"):
        PricePoint.objects.bulk_create(points)


def test_dynamic_tariff_with_a_negative_price(in_alpha, instrument):
    definition = {"name": "Dynamic", "time_zone": LONDON, "vat_rate": "0",
                  "spot_rates": [{"instrument": "HW-DA"}],
                  "standing_charge": {"amount": "0.30", "per": "day"}}
    account, meter, _ = household("HW5", product("HW-DYN", definition))
    readings(meter, month(2026, 4), "0.5")
    april_15 = local_days(DateRange(date(2026, 4, 15), date(2026, 4, 16)), LONDON)
    _prices(instrument, month(2026, 4),
            lambda at: "-0.05" if at in april_15 else "0.10")
    bill_now(month(2026, 4), account_ids=[account.pk])
    # 1440 half-hours x 0.5 kWh = 720 kWh; 1392 of them at 0.10 and the 48 of 15 April at
    # -0.05: 0.5 x (1392 x 0.10 - 48 x 0.05) = 0.5 x 136.8 = 68.40 (unit price shown as the
    # average, 68.40 / 720 = 0.095); standing 30 x 0.30 = 9.00; total 77.40.
    assert lines(only_bill(account)) == [
        ("standing", "", None, Decimal("30"), Decimal("0.3"), Decimal("9.00")),
        ("spot", "", None, Decimal("720"), Decimal("0.095"), Decimal("68.40")),
    ]


def test_a_missing_market_price_holds_the_account_never_prices_it_as_zero(in_alpha,
                                                                            instrument):
    definition = {"name": "Dynamic", "time_zone": LONDON, "vat_rate": "0",
                  "spot_rates": [{"instrument": "HW-DA"}]}
    account, meter, _ = household("HW6", product("HW-DYN2", definition))
    readings(meter, month(2026, 4), "0.5")
    _prices(instrument, month(2026, 4), lambda at: "0.10")
    with schema_context("public"):
        PricePoint.objects.filter(interval_start=datetime(2026, 4, 20, 11, tzinfo=UTC)).delete()
    run = bill_now(month(2026, 4), account_ids=[account.pk])
    assert not Bill.objects.filter(account=account).exists()
    (issue,) = RunIssue.objects.filter(run=run)
    assert issue.outcome == "HELD" and "HW-DA" in issue.reason
    assert "2026-04-20T11:00:00+00:00" in issue.reason


def test_a_day_without_readings_holds_the_account(in_alpha):
    account, meter, _ = household("HW7", product("HW-GAP", flat()))
    readings(meter, DateRange(date(2026, 4, 1), date(2026, 4, 12)), "0.5")
    readings(meter, DateRange(date(2026, 4, 13), date(2026, 5, 1)), "0.5")
    run = bill_now(month(2026, 4), account_ids=[account.pk])
    assert not Bill.objects.filter(account=account).exists()
    (issue,) = RunIssue.objects.filter(run=run)
    assert issue.reason == "no readings on 2026-04-12 for meter HW7-M, even after estimation"


def test_export_credit(in_alpha):
    definition = flat(unit="0.25")
    definition.pop("standing_charge")
    definition["export_rates"] = [{"unit_price": "0.15"}]
    account, meter, exporter = household("HW8", product("HW-EXPORT", definition), export=True)
    readings(meter, month(2026, 4), "0.4")  # 1440 x 0.4 = 576 kWh
    readings(exporter, month(2026, 4), lambda at: "0.2" if 10 <= at.hour < 16 else "0")
    bill_now(month(2026, 4), account_ids=[account.pk])
    # import 576 x 0.25 = 144.00; export 12 half-hours a day x 30 days x 0.2 = 72 kWh x 0.15
    # = 10.80 credited; total 133.20.
    assert lines(only_bill(account)) == [
        ("energy", "standard", None, Decimal("576"), Decimal("0.25"), Decimal("144.00")),
        ("export", "", None, Decimal("72"), Decimal("-0.15"), Decimal("-10.80")),
    ]
    assert only_bill(account).total_inc_tax == Decimal("133.20")


def test_tariff_change_mid_month_splits_the_period_and_vat_is_rounded_once(in_alpha):
    first = product("HW-CHANGE", flat(unit="0.20", standing="0.50", vat="0.05"),
                    active_to=date(2026, 5, 16))
    product("HW-CHANGE", flat(unit="0.30", standing="0.61", vat="0.05"),
            active_from=date(2026, 5, 16))
    account, meter, _ = household("HW9", first)
    readings(meter, month(2026, 5), "1")  # 48 kWh a day
    bill_now(month(2026, 5), account_ids=[account.pk])
    bill = only_bill(account)
    # 1-15 May on the first version: 15 x 0.50 = 7.50 standing, 720 kWh x 0.20 = 144.00.
    # 16-31 May on the second: 16 x 0.61 = 9.76 standing, 768 kWh x 0.30 = 230.40.
    # Pre-tax 391.66; VAT once on it: 19.583 -> 19.58 (per segment it would have been
    # 7.575 -> 7.58 plus 12.008 -> 12.01 = 19.59). Total 411.24.
    assert lines(bill) == [
        ("standing", "", None, Decimal("15"), Decimal("0.5"), Decimal("7.50")),
        ("energy", "standard", None, Decimal("720"), Decimal("0.2"), Decimal("144.00")),
        ("standing", "", None, Decimal("16"), Decimal("0.61"), Decimal("9.76")),
        ("energy", "standard", None, Decimal("768"), Decimal("0.3"), Decimal("230.40")),
        ("tax", "", None, Decimal("391.66"), Decimal("0.05"), Decimal("19.58")),
    ]
    assert bill.total_inc_tax == Decimal("411.24")
    segments = {(line.segment_start, line.segment_end) for line in bill.lines.exclude(kind="tax")}
    assert segments == {(date(2026, 5, 1), date(2026, 5, 16)),
                        (date(2026, 5, 16), date(2026, 6, 1))}


def test_contract_starting_on_the_17th(in_alpha):
    version = product("HW-17", flat(unit="0.20", standing="0.50"))
    account, meter, _ = household("HW10", version, active_from=date(2026, 6, 17))
    readings(meter, DateRange(date(2026, 6, 17), date(2026, 7, 1)), "0.5")
    bill_now(month(2026, 6), account_ids=[account.pk])
    # 17-30 June: 14 days; standing 14 x 0.50 = 7.00; 14 x 24 = 336 kWh x 0.20 = 67.20.
    assert lines(only_bill(account)) == [
        ("standing", "", None, Decimal("14"), Decimal("0.5"), Decimal("7.00")),
        ("energy", "standard", None, Decimal("336"), Decimal("0.2"), Decimal("67.20")),
    ]
    assert (only_bill(account).period_start, only_bill(account).period_end) == (
        date(2026, 6, 1), date(2026, 7, 1))


def test_quarterly_settlement(in_alpha):
    version = product("HW-Q", flat(unit="0.20", standing="0.50"))
    account, meter, _ = household("HW11", version, settlement="QUARTERLY")
    readings(meter, DateRange(date(2026, 4, 1), date(2026, 7, 1)), "0.5")
    bill_now(month(2026, 4), account_ids=[account.pk])
    bill_now(month(2026, 5), account_ids=[account.pk])
    assert not Bill.objects.filter(account=account).exists()  # the quarter is not over
    bill_now(month(2026, 6), account_ids=[account.pk])
    bill = only_bill(account)
    # April-June: 91 days; standing 91 x 0.50 = 45.50; 91 x 24 = 2184 kWh x 0.20 = 436.80.
    assert (bill.period_start, bill.period_end) == (date(2026, 4, 1), date(2026, 7, 1))
    assert lines(bill) == [
        ("standing", "", None, Decimal("91"), Decimal("0.5"), Decimal("45.50")),
        ("energy", "standard", None, Decimal("2184"), Decimal("0.2"), Decimal("436.80")),
    ]


def test_final_bill_with_exit_fee_inside_the_term(in_alpha):
    version = product("HW-TERM", flat(unit="0.20", standing="0.50", vat="0.05"),
                      term_months=12, exit_fee="30.00")
    account, meter, _ = household("HW12", version, active_to=date(2026, 7, 11))
    readings(meter, DateRange(date(2026, 7, 1), date(2026, 7, 11)), "0.5")
    bill_now(month(2026, 7), account_ids=[account.pk])
    bill = only_bill(account)
    # 1-10 July: standing 10 x 0.50 = 5.00; 240 kWh x 0.20 = 48.00; the contract ends
    # 11 July, inside its 12-month term (to 1 January 2027): exit fee 30.00. VAT 5% of
    # 83.00 = 4.15. Total 87.15.
    assert bill.kind == BillKind.FINAL
    assert lines(bill) == [
        ("standing", "", None, Decimal("10"), Decimal("0.5"), Decimal("5.00")),
        ("energy", "standard", None, Decimal("240"), Decimal("0.2"), Decimal("48.00")),
        ("exit_fee", "", None, Decimal("1"), Decimal("30"), Decimal("30.00")),
        ("tax", "", None, Decimal("83.00"), Decimal("0.05"), Decimal("4.15")),
    ]
    assert bill.total_inc_tax == Decimal("87.15")


def test_no_exit_fee_once_the_term_is_served(in_alpha):
    version = product("HW-SERVED", flat(unit="0.20", standing="0.50"), term_months=3,
                      exit_fee="30.00")
    account, meter, _ = household("HW13", version, active_to=date(2026, 7, 11))
    readings(meter, DateRange(date(2026, 7, 1), date(2026, 7, 11)), "0.5")
    bill_now(month(2026, 7), account_ids=[account.pk])
    bill = only_bill(account)
    assert bill.kind == BillKind.FINAL
    assert [line.kind for line in bill.lines.order_by("position")] == ["standing", "energy"]
