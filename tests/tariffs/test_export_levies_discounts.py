"""Export (feed-in) credits, per-kWh levies, customer-group discounts and VAT."""
from datetime import time
from decimal import Decimal

from tariffs.domain import (
    BandRate,
    BandRule,
    ExportRate,
    GroupDiscount,
    Levy,
    LineKind,
    Schedule,
    StandingCharge,
    TariffDefinition,
    Tier,
    price_period,
)

from .factories import LONDON, flat_tariff, lines_of, local, profile, starts

START, END = local(2026, 1, 1), local(2026, 2, 1)
INDEX = starts(START, END)
PER_INTERVAL = 100 / len(INDEX)  # 100 kWh imported in January
EXPORT_PER_INTERVAL = 10 / len(INDEX)  # and 10 exported
WITH_EXPORT = profile(INDEX, PER_INTERVAL, export=EXPORT_PER_INTERVAL)


def staff_tariff() -> TariffDefinition:
    return flat_tariff(
        "0.25", standing_charge=StandingCharge(amount=Decimal("0.50")),
        levies=(Levy(name="green levy", unit_price=Decimal("0.01")),),
        export_rates=(ExportRate(unit_price=Decimal("0.15")),),
        group_discounts=(GroupDiscount(group="staff", percent=Decimal("10")),),
        vat_rate=Decimal("0.05"),
    )


def test_export_is_a_negative_line_at_the_export_rate():
    bill = price_period(tariff=staff_tariff(), profile=WITH_EXPORT, start=START, end=END)
    (export,) = lines_of(bill, LineKind.EXPORT)
    assert (export.quantity, export.unit_price, export.amount) == (
        10, Decimal("-0.15"), Decimal("-1.50"))


def test_group_discount_applies_to_charges_but_not_to_levies_or_export():
    bill = price_period(tariff=staff_tariff(), profile=WITH_EXPORT, start=START, end=END,
                        customer_group="staff")
    amounts = [(line.kind, line.amount) for line in bill.lines]
    assert amounts == [
        (LineKind.STANDING, Decimal("15.50")),  # 31 x 0.50
        (LineKind.ENERGY, Decimal("25.00")),  # 100 kWh x 0.25
        (LineKind.EXPORT, Decimal("-1.50")),
        (LineKind.LEVY, Decimal("1.00")),
        (LineKind.DISCOUNT, Decimal("-4.05")),  # 10% of 15.50 + 25.00
        (LineKind.TAX, Decimal("1.80")),  # 5% of 35.95 = 1.7975
    ]
    assert bill.total_before_tax == Decimal("35.95")
    assert bill.total_after_tax == Decimal("37.75")


def test_customers_outside_the_group_get_no_discount():
    bill = price_period(tariff=staff_tariff(), profile=profile(INDEX, PER_INTERVAL),
                        start=START, end=END, customer_group="household")
    assert lines_of(bill, LineKind.DISCOUNT) == []
    assert bill.total_before_tax == Decimal("41.50")


def test_export_rate_by_band_pays_only_for_that_band():
    tariff = TariffDefinition(
        name="Solar", time_zone=LONDON,
        energy_schedule=Schedule(
            bands=("day", "night"),
            rules=(BandRule(band="night", start=time(0, 30), end=time(7, 30)),),
            default_band="day",
        ),
        unit_rates=(
            BandRate(band="day", tiers=(Tier(unit_price=Decimal("0.30")),)),
            BandRate(band="night", tiers=(Tier(unit_price=Decimal("0.10")),)),
        ),
        export_rates=(ExportRate(unit_price=Decimal("0.20"), band="day"),),
    )
    start, end = local(2026, 6, 1), local(2026, 6, 2)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 0.0, export=0.5),
                        start=start, end=end)
    (export,) = lines_of(bill, LineKind.EXPORT)
    assert (export.band, export.quantity, export.amount) == ("day", 17, Decimal("-3.40"))
