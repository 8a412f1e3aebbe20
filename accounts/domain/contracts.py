"""Making, changing and cancelling contracts, and keeping their status in step with the
calendar. The only way any door (admin, API, portal, command, task) writes a contract:
each action checks, writes and records its audit row in one transaction.

"Today" is the retailer's local date, decided by the interface and passed in.
"""
from datetime import date

from django.db import IntegrityError, transaction

from accounts.domain.audit import Actor, audit_by
from accounts.models import (
    Account,
    AuditAction,
    Contract,
    ContractStatus,
    Customer,
    MeterPoint,
    Payment,
    Settlement,
)
from core.errors import GridlineError
from core.ranges import active_on
from tariffs.domain.catalogue import check_eligible
from tariffs.models import TariffVersion

OVERLAP_CONSTRAINT = "contract_no_overlap_per_meter_point"


class UnableToCreateContract(GridlineError):
    code = "contract_invalid"


class ContractOverlaps(UnableToCreateContract):
    code = "contract_overlaps"
    status = 409


class UnableToChangeContract(GridlineError):
    code = "contract_change_invalid"


def _overlapping(*, meter_point: MeterPoint, active_from: date, active_to: date | None,
                 other_than: int | None = None):
    rows = (Contract.objects.filter(meter_point=meter_point)
            .exclude(status=ContractStatus.CANCELLED)
            .overlapping(active_from, active_to).order_by("active_from", "pk"))
    return rows if other_than is None else rows.exclude(pk=other_than)


def _overlap_error(*, meter_point: MeterPoint, active_from: date, active_to: date | None,
                   other_than: int | None = None) -> ContractOverlaps | None:
    clash = _overlapping(meter_point=meter_point, active_from=active_from, active_to=active_to,
                         other_than=other_than).first()
    if clash is None:
        return None
    return ContractOverlaps(
        f"Meter point {meter_point.identifier} is already supplied by contract {clash.pk} "
        f"[{clash.active_from}, {clash.active_to or '…'}); [{active_from}, "
        f"{active_to or '…'}) overlaps it. Nothing was saved."
    )


def _check_terms(settlement: str, payment: str, error) -> None:
    if settlement not in Settlement.values:
        raise error(f"Settlement {settlement!r} is not one of {', '.join(Settlement.values)}.")
    if payment not in Payment.values:
        raise error(f"Payment {payment!r} is not one of {', '.join(Payment.values)}.")


def _check_period(active_from: date, active_to: date | None, error=UnableToCreateContract):
    if active_to is not None and active_to <= active_from:
        raise error(
            f"The period [{active_from}, {active_to}) is empty: active_to must be after "
            "active_from."
        )


def contract_create_check(
    *,
    customer: Customer,
    account: Account,
    meter_point: MeterPoint,
    active_from: date,
    active_to: date | None,
    tariff_version: TariffVersion | None,
    settlement: str = Settlement.MONTHLY,
    payment: str = Payment.POSTPAY,
) -> None:
    """Raise the error `contract_create` would raise for these terms (forms call it to show
    the domain's message beside the fields; `contract_create` calls it again, and the
    database's exclusion constraint settles a race)."""
    _check_period(active_from, active_to)
    _check_terms(settlement, payment, UnableToCreateContract)
    if account.customer_id != customer.pk:
        raise UnableToCreateContract(
            f"Account {account.number} belongs to another customer than {customer.reference}."
        )
    if meter_point.premise.customer_id != customer.pk:
        raise UnableToCreateContract(
            f"Meter point {meter_point.identifier} is not at a premise of {customer.reference}."
        )
    if tariff_version is None:
        raise UnableToCreateContract(
            "A contract needs a tariff version: without one it cannot be billed."
        )
    check_eligible(product=tariff_version.product, kind=customer.kind,
                   segment=customer.segment, on=active_from)
    if not active_on(tariff_version.active_from, tariff_version.active_to, active_from):
        raise UnableToCreateContract(
            f"Tariff version {tariff_version.pk} of {tariff_version.product.code} is in "
            f"force [{tariff_version.active_from}, {tariff_version.active_to or '…'}); "
            f"a contract starting {active_from} cannot use it."
        )
    overlap = _overlap_error(meter_point=meter_point, active_from=active_from,
                             active_to=active_to)
    if overlap is not None:
        raise overlap


def contract_create(
    *,
    customer: Customer,
    account: Account,
    meter_point: MeterPoint,
    active_from: date,
    active_to: date | None,
    settlement: str,
    payment: str,
    tariff_version: TariffVersion,
    today: date,
    actor: Actor,
) -> Contract:
    """Create a contract for `[active_from, active_to)` with its audit row; refuse an
    ineligible customer, a version not in force at the start and overlaps, saving nothing.
    The status follows from the period and `today` (never chosen by the caller)."""
    contract_create_check(customer=customer, account=account, meter_point=meter_point,
                          active_from=active_from, active_to=active_to,
                          tariff_version=tariff_version, settlement=settlement,
                          payment=payment)
    status = contract_status_on(active_from=active_from, active_to=active_to, today=today)
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                customer=customer, account=account, meter_point=meter_point,
                active_from=active_from, active_to=active_to, settlement=settlement,
                payment=payment, status=status, tariff_version=tariff_version,
            )
            audit_by(actor=actor, customer_ids=[customer.pk], action=AuditAction.CREATE,
                     subject="contract.create",
                     detail={"contract": contract.pk, "tariff_version": tariff_version.pk})
            return contract
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        raise _overlap_error(meter_point=meter_point, active_from=active_from,
                             active_to=active_to) or ContractOverlaps(
            f"Meter point {meter_point.identifier} is already supplied for part of "
            f"[{active_from}, {active_to or '…'}). Nothing was saved.") from None


def contract_change_check(
    *, contract: Contract, active_to: date | None, settlement: str, payment: str, status: str,
    today: date,
) -> None:
    """Raise the error `contract_change` would raise for these changes."""
    if contract.status in (ContractStatus.ENDED, ContractStatus.CANCELLED):
        raise UnableToChangeContract(
            f"Contract {contract.pk} is {contract.get_status_display().lower()}; it is never "
            "changed. Make a new contract instead."
        )
    if status not in (contract.status, ContractStatus.CANCELLED):
        raise UnableToChangeContract(
            f"A contract's status follows its period; it cannot be set to {status}. Set "
            "active_to to end the contract, or cancel one that has not started."
        )
    if status == ContractStatus.CANCELLED and contract.active_from <= today:
        raise UnableToChangeContract(
            f"Contract {contract.pk} started on {contract.active_from}; a started contract "
            "is ended (set active_to), not cancelled."
        )
    _check_period(contract.active_from, active_to, error=UnableToChangeContract)
    _check_terms(settlement, payment, UnableToChangeContract)
    if status != ContractStatus.CANCELLED and active_to != contract.active_to:
        overlap = _overlap_error(meter_point=contract.meter_point,
                                 active_from=contract.active_from, active_to=active_to,
                                 other_than=contract.pk)
        if overlap is not None:
            raise overlap


def contract_change(
    *, contract: Contract, active_to: date | None, settlement: str, payment: str, status: str,
    today: date, actor: Actor,
) -> Contract:
    """End (or move the end of), re-terms or cancel a contract that has not ended, with its
    audit row. `status` is the current one or CANCELLED (only before the contract starts);
    otherwise the status follows the new period."""
    contract_change_check(contract=contract, active_to=active_to, settlement=settlement,
                          payment=payment, status=status, today=today)
    changed = {
        name: value for name, value in (
            ("active_to", active_to), ("settlement", settlement), ("payment", payment))
        if getattr(contract, name) != value
    }
    if status == ContractStatus.CANCELLED:
        new_status = ContractStatus.CANCELLED
    else:
        new_status = contract_status_on(active_from=contract.active_from, active_to=active_to,
                                        today=today)
    if new_status != contract.status:
        changed["status"] = new_status
    if not changed:
        return contract
    try:
        with transaction.atomic():
            Contract.objects.filter(pk=contract.pk).update(**changed)
            audit_by(actor=actor, customer_ids=[contract.customer_id],
                     action=AuditAction.CHANGE, subject="contract.change",
                     detail={"contract": contract.pk, "fields": sorted(changed)})
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        raise ContractOverlaps(
            f"Meter point {contract.meter_point.identifier} is already supplied for part of "
            f"[{contract.active_from}, {active_to or '…'}). Nothing was saved.") from None
    for name, value in changed.items():
        setattr(contract, name, value)
    return contract


def contract_cancel(*, contract: Contract, today: date, actor: Actor) -> Contract:
    """Cancel a contract that has not started (its meter point is free again)."""
    return contract_change(contract=contract, active_to=contract.active_to,
                           settlement=contract.settlement, payment=contract.payment,
                           status=ContractStatus.CANCELLED, today=today, actor=actor)


def contract_status_on(*, active_from: date, active_to: date | None, today: date) -> str:
    if active_to is not None and active_to <= today:
        return ContractStatus.ENDED
    if active_from <= today:
        return ContractStatus.ACTIVE
    return ContractStatus.PENDING


def contracts_refresh_status(*, today: date, actor: Actor) -> dict[str, int]:
    """Start contracts whose period has begun and end those whose period is over (in the
    retailer's `today`), each customer's change in the audit trail."""
    live = Contract.objects.exclude(status=ContractStatus.CANCELLED)
    moves = (
        (ContractStatus.ENDED,
         live.filter(active_to__lte=today).exclude(status=ContractStatus.ENDED)),
        (ContractStatus.ACTIVE, live.active_on(today).filter(status=ContractStatus.PENDING)),
    )
    counts = {}
    with transaction.atomic():
        for status, rows in moves:
            found = list(rows.select_for_update().values_list("pk", "customer_id"))
            Contract.objects.filter(pk__in=[pk for pk, _ in found]).update(status=status)
            if found:
                audit_by(actor=actor, customer_ids=[customer for _, customer in found],
                         action=AuditAction.CHANGE, subject="contract.status",
                         detail={"status": status})
            counts[status] = len(found)
    return {"started": counts[ContractStatus.ACTIVE], "ended": counts[ContractStatus.ENDED]}
