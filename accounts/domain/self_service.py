"""What customers change themselves in the portal (and staff on their behalf): contact
details and tariff switch requests. Each change is validated, written and audited in one
transaction."""
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from accounts.domain.audit import audit_record
from accounts.models import (
    AuditAction,
    AuditChannel,
    Contract,
    ContractStatus,
    Customer,
    SwitchRequestSource,
    SwitchRequestStatus,
    TariffSwitchRequest,
)
from core.errors import GridlineError
from tariffs.domain.catalogue import product_offered_to, version_active_on
from tariffs.models import Product


class UnableToChangeContact(GridlineError):
    code = "contact_invalid"


class UnableToRequestSwitch(GridlineError):
    code = "switch_request_invalid"


class UnableToDecideSwitch(GridlineError):
    code = "switch_decision_invalid"


@transaction.atomic
def customer_contact_change(*, customer: Customer, email: str, phone: str, at: datetime,
                            channel: AuditChannel, actor_user=None) -> list[str]:
    """Set the contact e-mail and phone; returns the names of the fields that changed."""
    email, phone = email.strip(), phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise UnableToChangeContact(f"{email!r} is not an e-mail address.") from None
    if phone and not all(c.isdigit() or c in "+ ()-" for c in phone):
        raise UnableToChangeContact("A phone number has digits, spaces, +, - and ( ) only.")
    if len(phone) > Customer._meta.get_field("contact_phone").max_length:
        raise UnableToChangeContact("That phone number is too long.")
    changed = [name for name, value in (("contact_email", email), ("contact_phone", phone))
               if getattr(customer, name) != value]
    if changed:
        customer.contact_email, customer.contact_phone = email, phone
        customer.save(update_fields=changed)
        audit_record(at=at, customer_ids=[customer.pk], action=AuditAction.CHANGE,
                     channel=channel, subject="customer.contact", actor_user=actor_user,
                     detail={"fields": changed})
    return changed


def switch_choices(*, customer: Customer, contract: Contract, on) -> list[Product]:
    """The products this contract could move to: offered to the customer, with a version
    in force, other than its current one."""
    current = contract.tariff_version.product_id if contract.tariff_version_id else None
    products = (Product.objects.filter(available_from__lte=on).exclude(available_to__lte=on)
                .exclude(pk=current).order_by("name"))
    return [p for p in products
            if product_offered_to(product=p, kind=customer.kind, segment=customer.segment)
            and version_active_on(product=p, on=on) is not None]


@transaction.atomic
def tariff_switch_request(*, customer: Customer, contract: Contract, product: Product,
                          reason: str, source: SwitchRequestSource, at: datetime,
                          channel: AuditChannel, actor_user=None) -> TariffSwitchRequest:
    """Ask for `contract` to move to `product`; lands in the staff admin as OPEN."""
    if contract.customer_id != customer.pk:
        raise UnableToRequestSwitch("That contract is not this customer's.")
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.PENDING):
        raise UnableToRequestSwitch("Only a pending or active contract can switch tariff.")
    if product not in switch_choices(customer=customer, contract=contract, on=at.date()):
        raise UnableToRequestSwitch(f"{product.name} is not a tariff this contract can "
                                    "move to.")
    try:
        with transaction.atomic():
            request = TariffSwitchRequest.objects.create(
                customer=customer, contract=contract, requested_product=product,
                source=source, reason=reason.strip(), requested_at=at)
    except IntegrityError:
        raise UnableToRequestSwitch(
            f"A request to move to {product.name} is already open.") from None
    audit_record(at=at, customer_ids=[customer.pk], action=AuditAction.CREATE,
                 channel=channel, subject="contract.switch_request", actor_user=actor_user,
                 detail={"request": request.pk, "contract": contract.pk,
                         "product": product.code, "source": source})
    return request


@transaction.atomic
def tariff_switch_decide(*, request: TariffSwitchRequest, accept: bool, at: datetime,
                         actor_user) -> TariffSwitchRequest:
    """Staff close an open request (the contract change itself is made as a contract)."""
    locked = TariffSwitchRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != SwitchRequestStatus.OPEN:
        raise UnableToDecideSwitch("This request has already been decided.")
    locked.status = SwitchRequestStatus.ACCEPTED if accept else SwitchRequestStatus.DECLINED
    locked.decided_at, locked.decided_by = at, actor_user
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(at=at, customer_ids=[locked.customer_id], action=AuditAction.CHANGE,
                 channel=AuditChannel.ADMIN, subject="contract.switch_decision",
                 actor_user=actor_user, detail={"request": locked.pk, "status": locked.status})
    return locked
