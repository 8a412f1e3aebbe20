"""The cooperative's audit trail."""
from accounts.domain.audit import Actor
from cooperatives.models import Cooperative, CooperativeEvent


def event_record(*, cooperative: Cooperative, actor: Actor, action: str,
                 detail: dict) -> CooperativeEvent:
    return CooperativeEvent.objects.create(
        cooperative=cooperative, at=actor.at, channel=actor.channel, action=action,
        actor_user=actor.user if getattr(actor.user, "pk", None) else None, detail=detail)
