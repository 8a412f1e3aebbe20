"""Costs of a period entered by a manager."""
from decimal import Decimal

from django.db import transaction

from accounts.domain.audit import Actor
from cooperatives.models import Cooperative, CooperativeCost
from core.errors import GridlineError
from core.money import money_round
from core.ranges import DateRange

from .events import event_record


class UnableToRecordCost(GridlineError):
    code = "cost_invalid"


def cost_record(*, cooperative: Cooperative, period: DateRange, description: str,
                amount: Decimal, actor: Actor) -> CooperativeCost:
    if amount <= 0 or amount != money_round(amount):
        raise UnableToRecordCost(f"a cost is a positive amount in whole cents, not {amount}")
    if not description.strip():
        raise UnableToRecordCost("a cost needs a description")
    with transaction.atomic():
        cost = CooperativeCost.objects.create(
            cooperative=cooperative, period_start=period.start, period_end=period.end,
            description=description.strip(), amount=amount, recorded_at=actor.at,
            recorded_by=actor.user if getattr(actor.user, "pk", None) else None)
        event_record(cooperative=cooperative, actor=actor, action="cost_recorded",
                     detail={"cost": cost.pk, "amount": str(amount), "description":
                             cost.description, "period": str(period)})
    return cost
