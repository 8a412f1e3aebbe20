"""What a run's chunk records besides its bills: the accounts it did not bill and why (held
or failed, once per run), and its own counts and `done_at`."""
from datetime import datetime

from billing.models import RunChunk, RunIssue, RunOutcome


def run_issues_record(*, run, holds, failures) -> None:
    """`holds`: pricing.Hold values; `failures`: (account id, reason) pairs."""
    rows = [RunIssue(run=run, account_id=h.account_id, outcome=RunOutcome.HELD,
                     reason=h.reason) for h in holds]
    rows += [RunIssue(run=run, account_id=a, outcome=RunOutcome.FAILED, reason=r)
             for a, r in failures]
    RunIssue.objects.bulk_create(rows, ignore_conflicts=True)


def chunk_done(*, chunk: RunChunk, counts: dict, now: datetime) -> None:
    """Record the chunk's counts and mark it done (in the chunk's transaction, before its
    bills are written: their numbering is the transaction's last step)."""
    for name in ("billed", "skipped", "held", "failed"):
        setattr(chunk, name, counts[name])
    chunk.done_at = now
    chunk.save(update_fields=["billed", "skipped", "held", "failed", "done_at"])
