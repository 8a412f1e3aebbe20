"""Dunning: an issued bill unpaid after its due date becomes OVERDUE and goes through the
retailer's steps (BillingSettings.dunning_steps, e.g. a reminder 7 days after the due date,
a final notice at 21, a disconnection warning at 35). Each step is recorded once per bill
(a unique index), so the daily job can run any number of times; a bill paid in full is no
longer open and gets no further step."""
from datetime import date, datetime, timedelta

from django.db import transaction

from billing.models import Bill, BillStatus, DunningNotice

from .settings import billing_settings_get


def dunning_advance(*, today: date, now: datetime) -> dict:
    """Mark overdue bills OVERDUE and record every step now due; returns counts."""
    steps = sorted(billing_settings_get().dunning_steps, key=lambda step: step["days"])
    with transaction.atomic():
        overdue = Bill.objects.filter(
            status__in=(BillStatus.ISSUED, BillStatus.PARTLY_PAID), due_date__lt=today)
        marked = overdue.update(status=BillStatus.OVERDUE)
        notices = []
        bills = (Bill.objects.filter(status=BillStatus.OVERDUE)
                 .exclude(due_date__isnull=True).order_by("pk"))
        for bill in bills:
            if bill.outstanding <= 0:
                continue
            late = (today - bill.due_date).days
            for step in steps:
                if late >= step["days"]:
                    notices.append(DunningNotice(
                        bill=bill, step=step["code"], days_overdue=step["days"],
                        sent_on=bill.due_date + timedelta(days=step["days"]), created_at=now))
        before = DunningNotice.objects.count()
        DunningNotice.objects.bulk_create(notices, ignore_conflicts=True)
        recorded = DunningNotice.objects.count() - before
    return {"overdue": marked, "notices": recorded}


def dunning_of_bill(*, bill: Bill) -> list[dict]:
    return [{"step": n.step, "days_overdue": n.days_overdue, "sent_on": n.sent_on.isoformat()}
            for n in bill.dunning.order_by("days_overdue", "pk")]
