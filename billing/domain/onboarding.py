"""Loading a retailer's customers from another system: one CSV row per customer and meter
gives the customer, premise, meter point, meter, account and contract.

Idempotent by customer reference and meter serial: a row already loaded changes nothing,
a second meter of a customer's premise joins its meter point. Each row is its own
savepoint: a bad row is reported with its line and reason and writes nothing, the good
rows around it land. Contracts go through the accounts app's one door (contract_create)
and take the product's version in force on `active_from`; the meter is installed from the
local midnight of that day.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from accounts.domain.audit import Actor
from accounts.domain.contracts import contract_create
from accounts.models import (
    Account,
    Contract,
    ContractStatus,
    Customer,
    CustomerKind,
    HeatingType,
    MeterPoint,
    Premise,
    Settlement,
)
from accounts.models import Payment as PaymentKind
from core.errors import GridlineError
from core.ranges import local_midnight
from metering.models import Direction, Meter
from tariffs.domain.catalogue import tariff_version_resolve

HEADER = ["reference", "name", "kind", "segment", "address", "city", "region",
          "floor_area_m2", "heating_type", "meter_serial", "direction", "interval_minutes",
          "product_code", "active_from", "settlement", "payment"]


class UnableToImportCustomers(GridlineError):
    code = "customers_import_invalid"


class BadRow(GridlineError):
    code = "row_invalid"


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"read": self.read, "created": self.created, "updated": self.updated,
                "rejected": self.rejected}


def _choice(row, name, choices, *, default=None) -> str:
    value = (row[name] or "").strip().upper()
    if not value and default is not None:
        return default
    if value not in choices:
        raise BadRow(f"{name} {row[name]!r} is not one of {', '.join(choices)}")
    return value


def _required(row, name) -> str:
    value = (row[name] or "").strip()
    if not value:
        raise BadRow(f"{name} is empty")
    return value


def _parsed(row) -> dict:
    try:
        active_from = date.fromisoformat(_required(row, "active_from"))
    except ValueError:
        raise BadRow(f"active_from {row['active_from']!r} is not a date YYYY-MM-DD") from None
    area = (row["floor_area_m2"] or "").strip()
    try:
        floor_area = Decimal(area) if area else None
    except InvalidOperation:
        raise BadRow(f"floor_area_m2 {area!r} is not a number") from None
    if floor_area is not None and (not floor_area.is_finite() or floor_area <= 0):
        raise BadRow(f"floor_area_m2 {area} must be more than zero")
    minutes = (row["interval_minutes"] or "").strip()
    if minutes not in ("15", "30", "60"):
        raise BadRow(f"interval_minutes {minutes!r} is not 15, 30 or 60")
    return {
        "reference": _required(row, "reference")[:40], "name": _required(row, "name"),
        "kind": _choice(row, "kind", CustomerKind.values),
        "segment": (row["segment"] or "").strip()[:40],
        "address": _required(row, "address"), "city": _required(row, "city"),
        "region": _required(row, "region"), "floor_area": floor_area,
        "heating": _choice(row, "heating_type", HeatingType.values,
                           default=HeatingType.OTHER),
        "serial": _required(row, "meter_serial")[:40],
        "direction": _choice(row, "direction", Direction.values, default=Direction.IMPORT),
        "minutes": int(minutes), "product": _required(row, "product_code"),
        "active_from": active_from,
        "settlement": _choice(row, "settlement", Settlement.values,
                              default=Settlement.MONTHLY),
        "payment": _choice(row, "payment", PaymentKind.values, default=PaymentKind.POSTPAY),
    }


def customers_import(*, text: str, time_zone: str, today: date, now: datetime
                     ) -> ImportReport:
    """Import the CSV `text` (the header above, in that order)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise UnableToImportCustomers("The file is empty: the first line must be the header "
                                      + ",".join(HEADER))
    if [h.strip() for h in header] != HEADER:
        raise UnableToImportCustomers(
            "The first line must be exactly the header " + ",".join(HEADER)
            + f" (got {','.join(header)}). Nothing was imported.")
    report = ImportReport()
    actor = Actor.system(at=now)
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        report.read += 1
        line = reader.line_num
        if len(values) != len(HEADER):
            report.rejected.append({"line": line, "reason": (
                f"{len(values)} fields; the header has {len(HEADER)}")})
            continue
        try:
            with transaction.atomic():
                outcome = _row_import(_parsed(dict(zip(HEADER, values, strict=True))),
                                      time_zone=time_zone, today=today, actor=actor)
        except GridlineError as exc:
            report.rejected.append({"line": line, "reason": exc.detail})
            continue
        if outcome == "created":
            report.created += 1
        elif outcome == "updated":
            report.updated += 1
    return report


def _row_import(row: dict, *, time_zone: str, today: date, actor: Actor) -> str | None:
    meter = Meter.objects.select_related("meter_point__premise__customer").filter(
        serial=row["serial"]).first()
    if meter is not None and meter.meter_point.premise.customer.reference != row["reference"]:
        raise BadRow(f"meter serial {row['serial']} already belongs to customer "
                     f"{meter.meter_point.premise.customer.reference}")
    try:
        version = tariff_version_resolve(version_id=None, product_code=row["product"],
                                         on=row["active_from"])
    except GridlineError as exc:
        raise BadRow(exc.detail) from None
    customer, created = Customer.objects.get_or_create(
        reference=row["reference"],
        defaults={"name": row["name"], "kind": row["kind"], "segment": row["segment"]})
    changed = False
    if not created:
        if customer.kind != row["kind"]:
            raise BadRow(f"customer {customer.reference} is {customer.kind}, not {row['kind']}")
        if (customer.name, customer.segment) != (row["name"], row["segment"]):
            customer.name, customer.segment = row["name"], row["segment"]
            customer.save(update_fields=["name", "segment"])
            changed = True
    premise = Premise.objects.filter(customer=customer, address_line=row["address"],
                                     city=row["city"]).order_by("pk").first()
    if premise is None:
        premise = Premise.objects.create(
            customer=customer, address_line=row["address"], city=row["city"],
            region=row["region"], floor_area_m2=row["floor_area"],
            heating_type=row["heating"])
        changed = True
    point = premise.meter_points.order_by("pk").first()
    if point is None:
        number = MeterPoint.objects.filter(premise__customer=customer).count() + 1
        point = MeterPoint.objects.create(premise=premise,
                                          identifier=f"{customer.reference}-MP{number}"[:40])
        changed = True
    if meter is None:
        meter = Meter.objects.create(
            serial=row["serial"], meter_point=point, direction=row["direction"],
            interval_minutes=row["minutes"],
            installed_at=local_midnight(row["active_from"], time_zone))
        changed = True
    elif meter.meter_point_id != point.pk:
        raise BadRow(f"meter serial {row['serial']} is at another premise of "
                     f"{customer.reference}")
    account, _ = Account.objects.get_or_create(number=f"{customer.reference}-A",
                                               defaults={"customer": customer})
    supplied = (Contract.objects.filter(meter_point=point)
                .exclude(status=ContractStatus.CANCELLED).active_on(row["active_from"])
                .exists())
    if not supplied and row["direction"] == Direction.IMPORT:
        contract_create(customer=customer, account=account, meter_point=point,
                        active_from=row["active_from"], active_to=None,
                        settlement=row["settlement"], payment=row["payment"],
                        tariff_version=version, today=today, actor=actor)
        changed = True
    if created:
        return "created"
    return "updated" if changed else None
