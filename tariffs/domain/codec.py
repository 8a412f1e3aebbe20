"""A tariff definition as JSON, the form a `TariffVersion` stores.

A version's components are one immutable document: once a version has billed it is never
edited (a new version supersedes it), so storing the whole definition together keeps what was
billed exactly reproducible. Numbers are strings (exact decimals), times "HH:MM", dates ISO.

`definition_from_json` builds (and so validates) a `TariffDefinition`; a malformed document
raises `InvalidTariffDefinition` naming the path of the bad part, e.g.
`unit_rates[1].tiers[0].unit_price`.
"""
from datetime import date, time
from decimal import Decimal
from typing import Any

from .definitions import (
    BandRate,
    DemandCharge,
    ExportRate,
    GroupDiscount,
    Levy,
    MinimumCharge,
    SpotRate,
    StandingCharge,
    TariffDefinition,
    Tier,
)
from .schedule import BandRule, Schedule
from .validation import InvalidTariffDefinition


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _schedule_json(schedule: Schedule) -> dict:
    return {
        "bands": list(schedule.bands),
        "rules": [
            {
                "band": rule.band,
                "start": rule.start.strftime("%H:%M"),
                "end": rule.end.strftime("%H:%M"),
                "days": sorted(rule.days),
                "months": sorted(rule.months),
            }
            for rule in schedule.rules
        ],
        "default_band": schedule.default_band,
        "holidays": sorted(day.isoformat() for day in schedule.holidays),
    }


def _tiers_json(tiers) -> list[dict]:
    return [
        {"unit_price": _num(t.unit_price), "upper": _num(t.upper), "adjustment": _num(t.adjustment)}
        for t in tiers
    ]


def definition_to_json(tariff: TariffDefinition) -> dict:
    return {
        "name": tariff.name,
        "time_zone": tariff.time_zone,
        "energy_schedule": _schedule_json(tariff.energy_schedule),
        "unit_rates": [
            {"band": rate.band, "tiers": _tiers_json(rate.tiers)} for rate in tariff.unit_rates
        ],
        "tier_scope": str(tariff.tier_scope),
        "standing_charge": None if tariff.standing_charge is None else {
            "amount": _num(tariff.standing_charge.amount), "per": str(tariff.standing_charge.per)
        },
        "minimum_charge": None if tariff.minimum_charge is None else {
            "amount": _num(tariff.minimum_charge.amount), "per": str(tariff.minimum_charge.per)
        },
        "demand_schedule": (
            None if tariff.demand_schedule is None else _schedule_json(tariff.demand_schedule)
        ),
        "demand_charges": [
            {
                "tiers": _tiers_json(charge.tiers),
                "bands": None if charge.bands is None else sorted(charge.bands),
                "months": sorted(charge.months),
                "name": charge.name,
            }
            for charge in tariff.demand_charges
        ],
        "spot_rates": [
            {
                "instrument": spot.instrument, "multiplier": _num(spot.multiplier),
                "adder": _num(spot.adder), "cap": _num(spot.cap), "floor": _num(spot.floor),
                "flow": str(spot.flow),
            }
            for spot in tariff.spot_rates
        ],
        "export_rates": [
            {"unit_price": _num(rate.unit_price), "band": rate.band}
            for rate in tariff.export_rates
        ],
        "levies": [{"name": levy.name, "unit_price": _num(levy.unit_price)}
                   for levy in tariff.levies],
        "vat_rate": _num(tariff.vat_rate),
        "group_discounts": [
            {"group": d.group, "percent": _num(d.percent)} for d in tariff.group_discounts
        ],
    }


class _Reader:
    """Reads one JSON object, naming the path of whatever is missing or malformed."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise InvalidTariffDefinition(f"{path or 'definition'} must be an object")
        self.data = data
        self.path = path

    def _at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def required(self, key: str) -> Any:
        if key not in self.data or self.data[key] is None:
            raise InvalidTariffDefinition(f"{self._at(key)} is required")
        return self.data[key]

    def optional(self, key: str, default=None) -> Any:
        value = self.data.get(key)
        return default if value is None else value

    def items(self, key: str) -> list:
        value = self.optional(key, [])
        if not isinstance(value, list):
            raise InvalidTariffDefinition(f"{self._at(key)} must be a list")
        return value

    def child(self, key: str, index: int | None = None) -> "_Reader":
        value = self.data[key] if index is None else self.data[key][index]
        path = self._at(key) if index is None else f"{self._at(key)}[{index}]"
        return _Reader(value, path)

    def children(self, key: str) -> list["_Reader"]:
        return [self.child(key, index) for index in range(len(self.items(key)))]

    def number(self, key: str, *, required: bool = True) -> Decimal | None:
        value = self.required(key) if required else self.optional(key)
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, float) or not isinstance(value, (str, int)):
            raise InvalidTariffDefinition(
                f"{self._at(key)} must be a decimal string or an integer, got {value!r}"
            )
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise InvalidTariffDefinition(f"{self._at(key)}: {value!r} is not a number") from None
        if not number.is_finite():
            raise InvalidTariffDefinition(f"{self._at(key)} must be finite")
        return number

    def clock(self, key: str) -> time:
        value = self.required(key)
        try:
            hour, minute = (int(part) for part in str(value).split(":"))
            if (hour, minute) == (24, 0):
                return time(0, 0)  # "24:00" as the end of a day means midnight
            return time(hour, minute)
        except ValueError:
            raise InvalidTariffDefinition(f"{self._at(key)}: {value!r} is not HH:MM") from None


def _schedule(reader: _Reader) -> Schedule:
    holidays = []
    for index, value in enumerate(reader.items("holidays")):
        try:
            holidays.append(date.fromisoformat(value))
        except (TypeError, ValueError):
            raise InvalidTariffDefinition(
                f"{reader.path}.holidays[{index}]: {value!r} is not a YYYY-MM-DD date"
            ) from None
    rules = [
        BandRule(
            band=rule.required("band"), start=rule.clock("start"), end=rule.clock("end"),
            days=frozenset(rule.optional("days", range(8))),
            months=frozenset(rule.optional("months", range(1, 13))),
        )
        for rule in reader.children("rules")
    ]
    return Schedule(bands=tuple(reader.required("bands")), rules=tuple(rules),
                    default_band=reader.optional("default_band"), holidays=frozenset(holidays))


def _tiers(reader: _Reader) -> tuple[Tier, ...]:
    return tuple(
        Tier(unit_price=tier.number("unit_price"), upper=tier.number("upper", required=False),
             adjustment=tier.number("adjustment", required=False) or Decimal(0))
        for tier in reader.children("tiers")
    )


def _charge(reader: _Reader, key: str, cls):
    if reader.optional(key) is None:
        return None
    part = reader.child(key)
    return cls(amount=part.number("amount"), per=part.optional("per", cls.per))


def definition_from_json(data: Any) -> TariffDefinition:
    root = _Reader(data, "")
    try:
        energy = (_schedule(root.child("energy_schedule"))
                  if root.optional("energy_schedule") else Schedule.flat())
        demand = (_schedule(root.child("demand_schedule"))
                  if root.optional("demand_schedule") else None)
        return TariffDefinition(
            name=root.required("name"),
            time_zone=root.required("time_zone"),
            energy_schedule=energy,
            unit_rates=tuple(
                BandRate(band=rate.required("band"), tiers=_tiers(rate))
                for rate in root.children("unit_rates")
            ),
            tier_scope=root.optional("tier_scope", "band"),
            standing_charge=_charge(root, "standing_charge", StandingCharge),
            minimum_charge=_charge(root, "minimum_charge", MinimumCharge),
            demand_schedule=demand,
            demand_charges=tuple(
                DemandCharge(
                    tiers=_tiers(charge),
                    bands=None if charge.optional("bands") is None
                    else frozenset(charge.optional("bands")),
                    months=frozenset(charge.optional("months", range(1, 13))),
                    name=charge.optional("name"),
                )
                for charge in root.children("demand_charges")
            ),
            spot_rates=tuple(
                SpotRate(
                    instrument=spot.required("instrument"),
                    multiplier=spot.number("multiplier", required=False) or Decimal(1),
                    adder=spot.number("adder", required=False) or Decimal(0),
                    cap=spot.number("cap", required=False),
                    floor=spot.number("floor", required=False),
                    flow=spot.optional("flow", "import"),
                )
                for spot in root.children("spot_rates")
            ),
            export_rates=tuple(
                ExportRate(unit_price=rate.number("unit_price"), band=rate.optional("band"))
                for rate in root.children("export_rates")
            ),
            levies=tuple(
                Levy(name=levy.required("name"), unit_price=levy.number("unit_price"))
                for levy in root.children("levies")
            ),
            vat_rate=root.number("vat_rate", required=False) or Decimal(0),
            group_discounts=tuple(
                GroupDiscount(group=d.required("group"), percent=d.number("percent"))
                for d in root.children("group_discounts")
            ),
        )
    except InvalidTariffDefinition:
        raise
    except (TypeError, ValueError) as exc:
        raise InvalidTariffDefinition(f"malformed tariff definition: {exc}") from None
