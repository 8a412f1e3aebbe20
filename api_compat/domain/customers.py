"""What a customer's API key may read: their own accounts, meter points and consumption.

A key reads only its own customer's data (no partner consent: it is their own); anything
else (another customer's account or meter point, a number that does not exist) is "not
found", the same answer either way. Every read is recorded in the audit trail
(accounts.AuditEvent, channel API, the key's login and prefix as the actor).
"""
from dataclasses import dataclass
from datetime import datetime

from accounts.domain.audit import audit_record
from accounts.domain.regions import gsp_group, gsp_letter
from accounts.models import (
    Account,
    AuditAction,
    AuditChannel,
    Contract,
    ContractStatus,
    CustomerApiKey,
    CustomerKind,
    MeterPoint,
)
from core.errors import GridlineError
from core.ranges import local_midnight
from metering.domain.consumption import consumption_read
from metering.models import Direction, Meter

from .codes import tariff_code
from .rates import utc_text


class NotVisibleToKey(GridlineError):
    code = "not_found"
    status = 404


@dataclass(frozen=True)
class KeyRead:
    """Who reads (the key) and when; the audit trail records both."""

    key: CustomerApiKey
    at: datetime

    def record(self, *, subject: str, detail: dict) -> None:
        audit_record(at=self.at, customer_ids=[self.key.customer_id],
                     action=AuditAction.READ, channel=AuditChannel.API, subject=subject,
                     actor_user=self.key.user, actor_client_id=f"api-key:{self.key.key_prefix}",
                     detail=detail)


def _profile_class(point: MeterPoint) -> int:
    # Great Britain's profile classes: 1 domestic unrestricted, 3 non-domestic.
    return 1 if point.premise.customer.kind == CustomerKind.HOUSEHOLD else 3


def access_meter_point_by_mpan(*, read: KeyRead, mpan: str) -> MeterPoint:
    point = (MeterPoint.objects.select_related("premise__customer")
             .filter(mpan=mpan, premise__customer_id=read.key.customer_id)
             .order_by("pk").first())
    if point is None:
        raise NotVisibleToKey("Not found.")
    return point


def meter_point_read(*, read: KeyRead, mpan: str) -> dict:
    point = access_meter_point_by_mpan(read=read, mpan=mpan)
    read.record(subject="compat.meter_point", detail={"mpan": mpan})
    return {"gsp": gsp_group(point.premise.region), "mpan": point.mpan,
            "profile_class": _profile_class(point)}


def access_meter_by_serial(*, read: KeyRead, mpan: str, serial: str) -> Meter:
    """The meter with this serial on the key's customer's meter point `mpan` (one query)."""
    meter = (Meter.objects.filter(serial=serial, meter_point__mpan=mpan,
                                  meter_point__premise__customer_id=read.key.customer_id)
             .order_by("pk").first())
    if meter is None:
        raise NotVisibleToKey("Not found.")
    return meter


def consumption_for_key(*, read: KeyRead, mpan: str, serial: str, period_from: datetime,
                        period_to: datetime, group_by: str, time_zone: str) -> list[tuple]:
    """`(interval_start, interval_end, kwh, quality)` rows, oldest first, as the partner
    API reads them (metering.domain.consumption): raw intervals or grouped by hour, or by
    the retailer's local day, week, month or quarter."""
    meter = access_meter_by_serial(read=read, mpan=mpan, serial=serial)
    rows = consumption_read(meter=meter, period_from=period_from, period_to=period_to,
                            tz=time_zone, group_by=group_by)
    read.record(subject="compat.consumption",
                detail={"mpan": mpan, "meter": serial, "period_from": period_from.isoformat(),
                        "period_to": period_to.isoformat(), "group_by": group_by})
    return rows


# --- the account ------------------------------------------------------------------------

def _agreement(contract: Contract, region: str, time_zone: str) -> dict | None:
    version = contract.tariff_version
    if version is None:
        return None
    end = contract.active_to
    return {
        "tariff_code": tariff_code(product_code=version.product.code,
                                   region=gsp_letter(region)),
        "valid_from": utc_text(local_midnight(contract.active_from, time_zone)),
        "valid_to": None if end is None else utc_text(local_midnight(end, time_zone)),
    }


def _meter(meter: Meter) -> dict:
    return {"serial_number": meter.serial,
            "registers": [{"identifier": "1", "rate": "STANDARD",
                           "is_settlement_register": True}]}


def account_read(*, read: KeyRead, number: str, time_zone: str) -> dict:
    """The account with this Octopus-style number (`Account.public_number`), if it is the
    key's customer's: its properties (premises supplied under it), each with its meter
    points, their meters and agreements (the contracts, with their tariff codes)."""
    account = (Account.objects.filter(public_number=number, customer_id=read.key.customer_id)
               .order_by("pk").first())
    if account is None:
        raise NotVisibleToKey("Not found.")
    contracts = list(
        Contract.objects.filter(account=account).exclude(status=ContractStatus.CANCELLED)
        .select_related("meter_point__premise__customer", "tariff_version__product")
        .order_by("meter_point__premise_id", "meter_point_id", "active_from"))
    meters: dict[int, list[Meter]] = {}
    for meter in (Meter.objects.filter(meter_point__in={c.meter_point_id for c in contracts})
                  .order_by("installed_at", "pk")):
        meters.setdefault(meter.meter_point_id, []).append(meter)
    properties: dict[int, dict] = {}
    points: dict[int, dict] = {}
    for contract in contracts:
        point, premise = contract.meter_point, contract.meter_point.premise
        prop = properties.get(premise.pk)
        if prop is None:
            prop = properties[premise.pk] = {
                "id": premise.pk, "moved_in_at": None, "moved_out_at": None,
                "address_line_1": premise.address_line, "address_line_2": "",
                "address_line_3": "", "town": premise.city, "county": "",
                "postcode": premise.postcode, "electricity_meter_points": [],
                "gas_meter_points": [], "_ends": []}
        prop["_ends"].append((contract.active_from, contract.active_to))
        entry = points.get(point.pk)
        if entry is None:
            point_meters = meters.get(point.pk, [])
            entry = points[point.pk] = {
                "mpan": point.mpan, "profile_class": _profile_class(point),
                "consumption_standard": None,
                "meters": [_meter(m) for m in point_meters],
                "agreements": [],
                "is_export": bool(point_meters) and all(
                    m.direction == Direction.EXPORT for m in point_meters)}
            prop["electricity_meter_points"].append(entry)
        agreement = _agreement(contract, premise.region, time_zone)
        if agreement is not None:
            entry["agreements"].append(agreement)
    for prop in properties.values():
        ends = prop.pop("_ends")
        prop["moved_in_at"] = utc_text(local_midnight(min(s for s, _ in ends), time_zone))
        if all(end is not None for _, end in ends):
            prop["moved_out_at"] = utc_text(local_midnight(max(e for _, e in ends), time_zone))
    read.record(subject="compat.account", detail={"account": number})
    return {"number": account.public_number, "properties": list(properties.values())}


# --- what a customer gives an app --------------------------------------------------------

def customer_identifiers(*, customer_id: int, today) -> dict:
    """The numbers an Octopus-API app asks for: the customer's account numbers and, per
    meter point, its MPAN, meters' serials and the tariff code in force `today` (the
    retailer's date). Three queries; nothing is recorded (the caller's page or command
    audits what it shows)."""
    accounts = list(Account.objects.filter(customer_id=customer_id)
                    .order_by("number").values_list("public_number", flat=True))
    points = list(MeterPoint.objects.filter(premise__customer_id=customer_id)
                  .select_related("premise").order_by("identifier"))
    contracts = (Contract.objects.active_on(today).filter(meter_point__in=points)
                 .exclude(status=ContractStatus.CANCELLED)
                 .select_related("tariff_version__product").order_by("active_from"))
    products = {c.meter_point_id: c.tariff_version.product.code for c in contracts
                if c.tariff_version is not None}
    serials: dict[int, list[str]] = {}
    for point_id, serial in (Meter.objects.filter(meter_point__in=points)
                             .order_by("installed_at", "pk").values_list("meter_point_id",
                                                                         "serial")):
        serials.setdefault(point_id, []).append(serial)
    return {
        "account_numbers": accounts,
        "meter_points": [
            {"identifier": point.identifier, "mpan": point.mpan,
             "gsp": gsp_group(point.premise.region), "meter_serials": serials.get(point.pk, []),
             "product_code": products.get(point.pk),
             "tariff_code": (tariff_code(product_code=products[point.pk],
                                         region=gsp_letter(point.premise.region))
                             if point.pk in products else None)}
            for point in points],
    }
