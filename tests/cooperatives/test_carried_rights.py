"""Rights carried to the next month, worked out by hand: July and August 2026 (31 days each,
British Summer Time throughout), London, no VAT, Economy 7 (night 00:30-07:30 at 0.10,
14 half-hours a day; day at 0.30, 34 half-hours), standing 0.40 a day. The cooperative
carries rights for one month (`rights_carry_months=1`): July's lots expire on 1 September.

The plant exports 2 kWh in each half-hour from 10:00 to 14:00 (8 sunny half-hours a day,
248 a month, 496 kWh). M1 holds 1 share, M2 3 shares: a sunny half-hour gives M1 0.5 kWh and
M2 1.5 kWh of rights (124 and 372 kWh a month).

July. M1 uses 0.25 kWh every half-hour (1488 half-hours, 372 kWh: night 108.5, day 263.5):
allocated 0.25 x 248 = 62 kWh, unused 62 kWh -> M1's July lot. M2 uses 0.5 every half-hour:
allocated 124, unused 248 -> M2's July lot. Surplus 496 - 62 - 124 = 310 = 62 + 248.

    M1 July  standing 31 x 0.40 = 12.40; night 108.5 x 0.10 = 10.85;
             day 263.5 - 62 = 201.5 x 0.30 = 60.45; generation 62 x 0.08 = 4.96; total 88.66

August. M1 uses 0.5 in each sunny half-hour (all of its current right: 124 kWh allocated)
and 1 kWh in every other half-hour (40 a day: 14 night + 26 day; 1240 kWh left to cover).
The July lot (62 kWh) covers 62 of those 1240 kWh, placed in proportion to each interval's
remaining consumption: 62/1240 = 0.05 kWh in each of the 1240 half-hours, so night gets
434 x 0.05 = 21.7 kWh and day 806 x 0.05 = 40.3 kWh.

    M1 August  standing 12.40
               night 434 - 21.7 = 412.3 x 0.10                    = 41.23
               day   806 + 124 = 930 - 124 - 40.3 = 765.7 x 0.30  = 229.71
               generation 124 x 0.08                              =  9.92
               carried over 62 x 0.08                             =  4.96
               total                                                298.22  (without the
               July lot: 12.40 + 43.40 + 241.80 + 9.92 = 307.52)

M2 uses exactly 1.5 kWh in each sunny half-hour of August and nothing else: its current
rights cover everything, so its July lot (248 kWh) is not drawn and expires at the end of
August; coop_allocate for August reports it as expired. August's own energy balance is
untouched by the carried kWh: 496 generated = 124 + 372 allocated + 0 surplus.
"""
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from accounts.domain.audit import Actor
from accounts.domain.demo import DEMO_PASSWORD
from accounts.models import CustomerUser
from accounts.users.models import Role, User
from billing.domain.corrections import credit_notes_issue
from billing.models import Bill
from cooperatives.models import Allocation, CarriedDraw, CarriedRights, RightsLot
from cooperatives.services.billing_seam import detail_unpack
from cooperatives.services.carrying import lot_balances_of
from cooperatives.services.managers import manager_ensure
from metering.domain.rollups import rollups_refresh
from metering.models import ReadingEdit
from tests.accounts.test_api import bearer
from tests.billing.conftest import bill_now
from tests.billing.test_hand_worked_bills import economy7, lines
from tests.billing.world import LONDON, NOW, household, month, product, readings
from tests.conftest import host_client, login
from tests.cooperatives.world import cooperative, generator, member

JULY, AUGUST, SEPTEMBER = month(2026, 7), month(2026, 8), month(2026, 9)
ZONE = ZoneInfo(LONDON)


def sunny(at) -> bool:
    return 10 <= at.hour < 14


def _world(*, carry_months=1):
    version = product("CARRY-E7", economy7(standing="0.40"))
    coop = cooperative("SUNNY", rights_carry_months=carry_months)
    plant = generator(coop)
    for period in (JULY, AUGUST):
        readings(plant.export_meter, period, lambda at: "2" if sunny(at) else "0")
    m1, m1_meter, _ = household("M1", version)
    readings(m1_meter, JULY, "0.25")
    readings(m1_meter, AUGUST, lambda at: "0.5" if sunny(at) else "1")
    m2, m2_meter, _ = household("M2", version)
    readings(m2_meter, JULY, "0.5")
    readings(m2_meter, AUGUST, lambda at: "1.5" if sunny(at) else "0")
    member(coop, m1.customer, 1)
    member(coop, m2.customer, 3)
    return coop, m1, m1_meter, m2


def live(account, period):
    (bill,) = Bill.objects.filter(account=account, period_start=period.start).exclude(
        status="CANCELLED")
    return bill


def coop_allocate(period) -> dict:
    out = StringIO()
    call_command("coop_allocate", "--schema=alpha", "--cooperative=SUNNY",
                 f"--period={period.start:%Y-%m}", stdout=out)
    return json.loads(out.getvalue())


def lot_of(account, period) -> RightsLot:
    return RightsLot.objects.get(member=account.customer, period_start=period.start)


def test_unused_july_rights_are_drawn_on_the_august_bill(in_alpha):
    coop, m1, _, m2 = _world()
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    july = live(m1, JULY)
    assert lines(july) == [
        ("standing", "", None, Decimal("31"), Decimal("0.4"), Decimal("12.40")),
        ("energy", "night", None, Decimal("108.5"), Decimal("0.1"), Decimal("10.85")),
        ("energy", "day", None, Decimal("201.5"), Decimal("0.3"), Decimal("60.45")),
        ("generation", "", None, Decimal("62"), Decimal("0.08"), Decimal("4.96")),
    ]
    assert july.total_inc_tax == Decimal("88.66")
    lot = lot_of(m1, JULY)
    assert lot.right_kwh == Decimal("124")
    assert lot.expires_at == datetime(2026, 9, 1, tzinfo=ZONE)  # carry_months=1
    assert lot_balances_of([lot, lot_of(m2, JULY)]) == {
        lot.pk: 62_000_000, lot_of(m2, JULY).pk: 248_000_000}

    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    august = live(m1, AUGUST)
    assert lines(august) == [
        ("standing", "", None, Decimal("31"), Decimal("0.4"), Decimal("12.40")),
        ("energy", "night", None, Decimal("412.3"), Decimal("0.1"), Decimal("41.23")),
        ("energy", "day", None, Decimal("765.7"), Decimal("0.3"), Decimal("229.71")),
        ("generation", "", None, Decimal("124"), Decimal("0.08"), Decimal("9.92")),
        ("generation", "", None, Decimal("62"), Decimal("0.08"), Decimal("4.96")),
    ]
    assert august.total_inc_tax == Decimal("298.22")
    assert august.kwh == Decimal("1364")  # what the meter measured
    assert [line.description for line in august.lines.filter(kind="generation").order_by(
        "position")] == ["Community generation: Sunny Energy (SUNNY)",
                         "Community generation carried over: Sunny Energy (SUNNY)"]
    (carried,) = CarriedRights.objects.filter(bill=august)
    assert (carried.kwh, carried.amount, carried.status) == (Decimal("62"), Decimal("4.96"),
                                                             "LIVE")
    detail = detail_unpack(carried.detail)
    assert detail.sum() == 62_000_000 and set(detail.tolist()) == {0, 50_000}
    assert [(d.lot_id, d.kwh) for d in CarriedDraw.objects.filter(carried=carried)] == [
        (lot.pk, Decimal("62"))]
    assert lot_balances_of([lot]) == {lot.pk: 0}
    # M2's current rights covered August: nothing carried, the July lot untouched.
    assert not CarriedRights.objects.filter(member=m2.customer).exists()
    assert [x[3] for x in lines(live(m2, AUGUST)) if x[0] == "generation"] == [
        Decimal("372")]

    report = coop_allocate(AUGUST)
    # The documented keys and August's own balance: carried kWh are not in it.
    assert {k: report[k] for k in ("generated_kwh", "allocated_kwh", "surplus_kwh")} == {
        "generated_kwh": "496.000000", "allocated_kwh": "496.000000",
        "surplus_kwh": "0.000000"}
    assert report["members"] == [
        {"customer": "M1", "shares": 1, "right_kwh": "124.000000",
         "allocated_kwh": "124.000000", "unused_kwh": "0.000000",
         "carried_kwh": "62.000000", "expired_kwh": "0.000000",
         "carried_balance_kwh": "0.000000"},
        {"customer": "M2", "shares": 3, "right_kwh": "372.000000",
         "allocated_kwh": "372.000000", "unused_kwh": "0.000000",
         "carried_kwh": "0.000000", "expired_kwh": "248.000000",
         "carried_balance_kwh": "0.000000"}]
    assert (report["carried_kwh"], report["expired_kwh"], report["rights_carry_months"]) == (
        "62.000000", "248.000000", 1)
    july_report = coop_allocate(JULY)
    assert (july_report["generated_kwh"], july_report["allocated_kwh"],
            july_report["surplus_kwh"], july_report["unused_kwh"]) == (
        "496.000000", "186.000000", "310.000000", "310.000000")
    # As the bills stand: M1's July lot went to August, M2's is still held until 1 Sept.
    assert [(m["customer"], m["carried_balance_kwh"], m["expired_kwh"])
            for m in july_report["members"]] == [("M1", "0.000000", "0.000000"),
                                                 ("M2", "248.000000", "0.000000")]


def test_billing_august_again_draws_nothing_twice(in_alpha):
    _, m1, _, m2 = _world()
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    assert CarriedRights.objects.count() == 1
    assert CarriedDraw.objects.count() == 1
    assert RightsLot.objects.count() == 4  # M1 and M2, July and August: rewritten, not added
    assert lot_balances_of([lot_of(m1, JULY)]) == {lot_of(m1, JULY).pk: 0}
    with schema_context("beta"):  # another retailer's schema holds none of it
        assert not RightsLot.objects.exists() and not CarriedRights.objects.exists()


def test_a_correction_returns_the_carried_kwh_and_the_replacement_draws_them_again(in_alpha):
    _, m1, m1_meter, m2 = _world()
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    first = live(m1, AUGUST)
    # An estimated reading at 11:00 on 10 August (a sunny half-hour) was really 0.3 kWh:
    # allocated 124 - 0.2 = 123.8; the remaining consumption outside the sunny half-hours
    # is unchanged, so the July lot's 62 kWh are placed exactly as before.
    #   day 929.8 - 123.8 - 40.3 = 765.7 x 0.30 = 229.71; generation 123.8 x 0.08 = 9.904
    #   -> 9.90; total 12.40 + 41.23 + 229.71 + 9.90 + 4.96 = 298.20.
    at = datetime(2026, 8, 10, 11, tzinfo=ZONE).astimezone(UTC)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE metering_reading SET kwh = 0.3 WHERE meter_id = %s AND "
                       "interval_start = %s", [m1_meter.pk, at])
        rollups_refresh(cursor, meter_ids=[m1_meter.pk], lo=at, hi=at, tz=LONDON)
    ReadingEdit.objects.create(meter=m1_meter, interval_start=at, old_kwh=Decimal("0.5"),
                               old_quality="ESTIMATED", new_kwh=Decimal("0.3"),
                               new_quality="ACTUAL", edited_at=NOW + timedelta(hours=1))
    bill_now(AUGUST, kind="CORRECTION", account_ids=[m1.pk], now=NOW + timedelta(hours=2))
    replacement = live(m1, AUGUST)
    assert replacement.replaces_id == first.pk
    assert lines(replacement) == [
        ("standing", "", None, Decimal("31"), Decimal("0.4"), Decimal("12.40")),
        ("energy", "night", None, Decimal("412.3"), Decimal("0.1"), Decimal("41.23")),
        ("energy", "day", None, Decimal("765.7"), Decimal("0.3"), Decimal("229.71")),
        ("generation", "", None, Decimal("123.8"), Decimal("0.08"), Decimal("9.90")),
        ("generation", "", None, Decimal("62"), Decimal("0.08"), Decimal("4.96")),
    ]
    assert replacement.total_inc_tax == Decimal("298.20")
    rows = {row.bill_id: row for row in CarriedRights.objects.filter(member=m1.customer)}
    assert {pk: (row.kwh, row.status) for pk, row in rows.items()} == {
        first.pk: (Decimal("62"), "RETURNED"), replacement.pk: (Decimal("62"), "LIVE")}
    assert (detail_unpack(rows[first.pk].detail) ==
            detail_unpack(rows[replacement.pk].detail)).all()
    july_lot = lot_of(m1, JULY)
    assert [(d.lot_id, d.kwh) for d in CarriedDraw.objects.filter(
        carried=rows[replacement.pk])] == [(july_lot.pk, Decimal("62"))]
    # Drawn once: the returned row no longer counts. August's own lot now holds the 0.2 kWh
    # of the corrected half-hour's right that M1 did not use.
    assert lot_balances_of([july_lot, lot_of(m1, AUGUST)]) == {
        july_lot.pk: 0, lot_of(m1, AUGUST).pk: 200_000}
    assert Allocation.objects.get(bill=replacement).kwh == Decimal("123.8")


def test_cancelling_the_august_bill_gives_the_lot_back(in_alpha):
    """A cancelled bill with nothing replacing it yet: the July lot holds its 62 kWh again."""
    _, m1, _, m2 = _world()
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    lot = lot_of(m1, JULY)
    assert lot_balances_of([lot]) == {lot.pk: 0}
    credit_notes_issue(bills=[live(m1, AUGUST)], reason="test", run=None,
                       issue_date=NOW.date(), now=NOW)
    assert lot_balances_of([lot]) == {lot.pk: 62_000_000}
    assert CarriedRights.objects.get(member=m1.customer).status == "RETURNED"


def test_a_lot_is_only_drawn_while_it_lasts(in_alpha):
    """carry_months=1: July's lots cannot be drawn by a September bill (they expired on
    1 September). M1 uses 1 kWh every half-hour of September and the plant is idle."""
    _, m1, m1_meter, m2 = _world()
    readings(m1_meter, SEPTEMBER, "1")
    bill_now(JULY, account_ids=[m1.pk])
    bill_now(SEPTEMBER, account_ids=[m1.pk])
    assert not CarriedRights.objects.exists()
    assert [x[0] for x in lines(live(m1, SEPTEMBER))] == ["standing", "energy", "energy"]
    report = coop_allocate(AUGUST)  # not billed in August: M1's July lot lapsed unused
    assert [(m["customer"], m["expired_kwh"]) for m in report["members"]] == [
        ("M1", "62.000000"), ("M2", "0.000000")]


def test_two_months_of_carry_keep_july_usable_in_september(in_alpha):
    """carry_months=2: July's lot of M1 (62 kWh; M1 not billed in August) is drawn by the
    September bill. September (30 days, BST): M1 uses 1 kWh every half-hour, the plant is
    idle, so the room is 1440 half-hours of 1 kWh and each gets 62/1440 = 0.043055...:
    43,055 µkWh rounded down, and the 800 µkWh missing go one each to the first 800
    half-hours in time order (the remainders are equal). Those are 1-16 September (14 night
    half-hours a day: 224) and 1 ... 16:00 on 17 September (00:30-07:30: 14 more):
    night carried = 420 x 0.043055 + 238 µkWh = 18.083338 kWh, day 62 - 18.083338 =
    43.916662 kWh.

        night 420 - 18.083338 = 401.916662 x 0.10 = 40.19
        day  1020 - 43.916662 = 976.083338 x 0.30 = 292.83
        carried over 62 x 0.08 = 4.96;  standing 30 x 0.40 = 12.00;  total 349.98
    """
    _, m1, m1_meter, _ = _world(carry_months=2)
    readings(m1_meter, SEPTEMBER, "1")
    bill_now(JULY, account_ids=[m1.pk])
    assert lot_of(m1, JULY).expires_at == datetime(2026, 10, 1, tzinfo=ZONE)
    bill_now(SEPTEMBER, account_ids=[m1.pk])
    september = live(m1, SEPTEMBER)
    assert lines(september) == [
        ("standing", "", None, Decimal("30"), Decimal("0.4"), Decimal("12.00")),
        ("energy", "night", None, Decimal("401.916662"), Decimal("0.1"), Decimal("40.19")),
        ("energy", "day", None, Decimal("976.083338"), Decimal("0.3"), Decimal("292.83")),
        ("generation", "", None, Decimal("62"), Decimal("0.08"), Decimal("4.96")),
    ]
    assert september.total_inc_tax == Decimal("349.98")
    assert lot_balances_of([lot_of(m1, JULY)]) == {lot_of(m1, JULY).pk: 0}


def test_without_carrying_nothing_is_kept_and_unused_rights_are_reported_expired(in_alpha):
    _, m1, _, m2 = _world(carry_months=0)
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    assert not RightsLot.objects.exists() and not CarriedRights.objects.exists()
    assert [x[3] for x in lines(live(m1, AUGUST))] == [
        Decimal("31"), Decimal("434"), Decimal("806"), Decimal("124")]
    report = coop_allocate(JULY)
    assert [(m["customer"], m["unused_kwh"], m["expired_kwh"], m["carried_kwh"])
            for m in report["members"]] == [("M1", "62.000000", "62.000000", "0.000000"),
                                            ("M2", "248.000000", "248.000000", "0.000000")]
    assert report["expired_kwh"] == report["surplus_kwh"] == "310.000000"


def test_the_dashboard_shows_carried_and_expired_rights(in_alpha):
    """At today's date (after 1 October 2026) every lot of the world has expired: M1's July
    lot went to August's bill (0 expired), M2's lapsed with 248 kWh."""
    coop, m1, _, m2 = _world()
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    manager_ensure(cooperative=coop, username="sunny-manager", email="", password="pw-sunny-1",
                   actor=Actor.system(at=NOW))
    user = User.objects.create_user(username="m2-login", password=DEMO_PASSWORD,
                                    role=Role.CUSTOMER)
    CustomerUser.objects.create(user=user, customer=m2.customer)

    manager = host_client("alpha.localhost")
    assert login(manager, "sunny-manager", "pw-sunny-1").status_code == 302
    text = manager.get(f"/cooperatives/{coop.pk}/").content.decode()
    table = text[text.index('data-testid="carried-rights"'):]
    assert ("<td>Customer M1 (M1)</td><td>0.000000</td><td>0.000000</td>" in table
            and "<td>Customer M2 (M2)</td><td>0.000000</td><td>248.000000</td>" in table)

    member_login = host_client("alpha.localhost")
    assert login(member_login, "m2-login").status_code == 302
    text = member_login.get(f"/cooperatives/{coop.pk}/").content.decode()
    table = text[text.index('data-testid="my-lots"'):text.index("</table>",
                                                                text.index("my-lots"))]
    assert "<td>Jul 2026</td><td>372.000000</td><td>0.000000</td>" in table
    assert table.count("248.000000") == 1 and "M1" not in table


def test_the_allocations_api_reports_the_carried_kwh_beside_the_allocation(alpha):
    with schema_context("alpha"):
        coop, m1, _, m2 = _world()
        bill_now(JULY, account_ids=[m1.pk, m2.pk])
        bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    body = alpha.get(f"/api/v1/cooperatives/{coop.pk}/allocations/", {"period": "2026-08"},
                     **bearer(alpha, "alpha", scope="cooperatives:read")).json()
    assert [(r["customer"], r["kwh"], r["right_kwh"], r["amount"], r["carried_kwh"],
             r["carried_amount"]) for r in body["results"]] == [
        ("M1", "124.000000", "124.000000", "9.92", "62.000000", "4.96"),
        ("M2", "372.000000", "372.000000", "29.76", "0.000000", "0.00")]
