"""Making contracts and keeping their status in step with the calendar."""
from datetime import date

from django.db import IntegrityError, transaction

from accounts.models import Account, Contract, ContractStatus, Customer, MeterPoint
from core.errors import GridlineError
from core.ranges import active_on
from tariffs.domain.catalogue import check_eligible
from tariffs.models import TariffVersion


class UnableToCreateContract(GridlineError):
    code = "contract_invalid"


class ContractOverlaps(UnableToCreateContract):
    code = "contract_overlaps"
    status = 409


def _overlapping(*, meter_point: MeterPoint, active_from: date, active_to: date | None):
    return (Contract.objects.filter(meter_point=meter_point)
            .exclude(status=ContractStatus.CANCELLED)
            .overlapping(active_from, active_to).order_by("active_from"))


def contract_create(
    *,
    customer: Customer,
    account: Account,
    meter_point: MeterPoint,
    active_from: date,
    active_to: date | None,
    settlement: str,
    payment: str,
    today: date,
    tariff_version: TariffVersion | None = None,
) -> Contract:
    """Create a contract for `[active_from, active_to)`; refuse overlaps with a clear reason.

    With a tariff version, the customer must be eligible for its product and the version
    must be in force when the contract starts.
    """
    if active_to is not None and active_to <= active_from:
        raise UnableToCreateContract(
            f"The period [{active_from}, {active_to}) is empty: active_to must be after "
            "active_from."
        )
    if account.customer_id != customer.pk:
        raise UnableToCreateContract(
            f"Account {account.number} belongs to another customer than {customer.reference}."
        )
    if meter_point.premise.customer_id != customer.pk:
        raise UnableToCreateContract(
            f"Meter point {meter_point.identifier} is not at a premise of {customer.reference}."
        )
    if tariff_version is not None:
        check_eligible(product=tariff_version.product, kind=customer.kind,
                       segment=customer.segment, on=active_from)
        if not active_on(tariff_version.active_from, tariff_version.active_to, active_from):
            raise UnableToCreateContract(
                f"Tariff version {tariff_version.pk} of {tariff_version.product.code} is in "
                f"force [{tariff_version.active_from}, {tariff_version.active_to or '…'}); "
                f"a contract starting {active_from} cannot use it."
            )
    status = contract_status_on(active_from=active_from, active_to=active_to, today=today)
    try:
        with transaction.atomic():
            return Contract.objects.create(
                customer=customer,
                account=account,
                meter_point=meter_point,
                active_from=active_from,
                active_to=active_to,
                settlement=settlement,
                payment=payment,
                status=status,
                tariff_version=tariff_version,
            )
    except IntegrityError as exc:
        if "contract_no_overlap_per_meter_point" not in str(exc):
            raise
        clash = _overlapping(
            meter_point=meter_point, active_from=active_from, active_to=active_to
        ).first()
        held = ""
        if clash is not None:
            held = f" by contract {clash.pk} [{clash.active_from}, {clash.active_to or '…'})"
        raise ContractOverlaps(
            f"Meter point {meter_point.identifier} is already supplied{held}; "
            f"[{active_from}, {active_to or '…'}) overlaps it. Nothing was saved."
        ) from None


def contract_status_on(*, active_from: date, active_to: date | None, today: date) -> str:
    if active_to is not None and active_to <= today:
        return ContractStatus.ENDED
    if active_from <= today:
        return ContractStatus.ACTIVE
    return ContractStatus.PENDING


def contracts_refresh_status(*, today: date) -> dict[str, int]:
    """Start contracts whose period has begun and end those whose period is over."""
    live = Contract.objects.exclude(status=ContractStatus.CANCELLED)
    ended = live.filter(active_to__lte=today).exclude(status=ContractStatus.ENDED).update(
        status=ContractStatus.ENDED
    )
    started = live.active_on(today).filter(status=ContractStatus.PENDING).update(
        status=ContractStatus.ACTIVE)
    return {"started": started, "ended": ended}
