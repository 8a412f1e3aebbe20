"""Issuing drafts from the staff admin: a run without `--issue` leaves drafts; staff look
at them and issue the chosen ones (numbers, due date, ledger, settlement), as a run with
`--issue` would."""
from collections.abc import Collection
from datetime import date, datetime

from django.db import transaction

from billing.models import Bill, BillStatus

from .settings import billing_settings_get
from .writing import IssueTerms, bills_issue


def drafts_issue(*, bill_ids: Collection[int], today: date, now: datetime) -> int:
    """Issue the drafts among `bill_ids` (other bills are left alone); returns how many.
    `today`: the retailer's local date of issue. One transaction: the drafts are locked, so
    a draft issued twice at once is numbered once."""
    with transaction.atomic():
        drafts = list(Bill.objects.select_for_update()
                      .filter(pk__in=list(bill_ids), status=BillStatus.DRAFT).order_by("pk"))
        terms = IssueTerms(issue_date=today, due_days=billing_settings_get().due_days)
        return bills_issue(bills=drafts, issue=terms, now=now)
