"""Billing runs, bills and their lines, credit notes, the ledger, payments, dunning, prepay.

All of it lives in a retailer's schema. The rules that must never break are constraints
here, not luck in the code (docs/billing.md):

- one live (not cancelled) bill per account, period and kind, and no two live bills of an
  account whose periods overlap (an exclusion constraint on `[period_start, period_end)`);
- one active run per period and kind (a partial unique index): a second run started while
  one works is refused and says which;
- one ledger entry per bill, credit note, payment and prepay charge; one credit note per
  bill; one payment per account and external reference; one dunning notice per bill and
  step; one prepay charge per account and local day;
- bill numbers unique, taken gap-free from a counter row per series and year.

Periods are local calendar dates in the retailer's zone, `[start, end)`: a bill's month is
the same month however its instants fall in UTC (Kill Bill #1856).
"""
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import Q

from core.postgres import DateRange, PointRange

MONEY = {"max_digits": 14, "decimal_places": 2}


class BillingSettings(models.Model):
    """The retailer's billing terms: one row per schema (id 1), made with defaults when
    first read (billing/domain/settings.py)."""

    due_days = models.PositiveSmallIntegerField(
        default=14, help_text="A postpay bill is due this many days after its issue date.")
    # [{"code": "REMINDER", "days": 7}, ...]: days after the due date, in order.
    dunning_steps = models.JSONField(default=list, blank=True)
    prepay_low_balance = models.DecimalField(
        default=5, help_text="Alert a prepay customer once when their credit falls below "
                             "this amount.", **MONEY)

    class Meta:
        verbose_name_plural = "billing settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="billing_settings_single_row"),
        ]

    def __str__(self):
        return f"due +{self.due_days} days"


class DocumentCounter(models.Model):
    """The last number issued in a series ("BILL", "CREDIT") and year; locked FOR UPDATE
    by the issuing transaction, so numbers are gap-free and never repeat."""

    series = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="document_counter_unique"),
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"


class RunKind(models.TextChoices):
    REGULAR = "REGULAR", "Regular"
    CORRECTION = "CORRECTION", "Correction"


class RunStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class BillingRun(models.Model):
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=10, choices=RunKind.choices, default=RunKind.REGULAR)
    # None: every account billable in the period; otherwise these account ids.
    scope = ArrayField(models.BigIntegerField(), null=True, blank=True)
    issue = models.BooleanField(default=False, help_text="Issue the bills (else drafts).")
    status = models.CharField(max_length=8, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    detail = models.TextField(blank=True)
    accounts = models.PositiveIntegerField(default=0)
    chunks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "kind"],
                condition=Q(status__in=ACTIVE_RUN_STATUSES), name="billing_run_one_active"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                   name="billing_run_period_not_empty"),
        ]

    def __str__(self):
        return f"{self.kind} {self.period_start}→{self.period_end} ({self.status})"


class RunChunk(models.Model):
    """A slice of a run's accounts, billed by one task in one transaction. `done_at` is set
    in that transaction, so a chunk retried after its worker died is done exactly once."""

    run = models.ForeignKey(BillingRun, on_delete=models.CASCADE, related_name="chunk_rows")
    number = models.PositiveIntegerField()
    # The bill period of these accounts: the run's month, or the quarter it closes.
    period_start = models.DateField()
    period_end = models.DateField()
    account_ids = ArrayField(models.BigIntegerField())
    billed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Committed before the work starts: which worker process took it last (ops, tests).
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="run_chunk_unique"),
        ]

    def __str__(self):
        return f"run {self.run_id} chunk {self.number}"


class RunOutcome(models.TextChoices):
    HELD = "HELD", "Held"
    FAILED = "FAILED", "Failed"


class RunIssue(models.Model):
    """An account a run did not bill, and why (HELD: data or tariff missing, never priced
    as zero; FAILED: an unexpected error, logged)."""

    run = models.ForeignKey(BillingRun, on_delete=models.CASCADE, related_name="issues")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE,
                                related_name="+")
    outcome = models.CharField(max_length=6, choices=RunOutcome.choices)
    reason = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "account"], name="run_issue_once"),
        ]

    def __str__(self):
        return f"{self.outcome}: {self.reason}"


class BillKind(models.TextChoices):
    REGULAR = "REGULAR", "Regular"
    FINAL = "FINAL", "Final"


class BillStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    ISSUED = "ISSUED", "Issued"
    PARTLY_PAID = "PARTLY_PAID", "Partly paid"
    PAID = "PAID", "Paid"
    OVERDUE = "OVERDUE", "Overdue"
    CANCELLED = "CANCELLED", "Cancelled"


OPEN_BILL_STATUSES = (BillStatus.ISSUED, BillStatus.PARTLY_PAID, BillStatus.OVERDUE)


class Bill(models.Model):
    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT,
                                related_name="bills")
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=8, choices=BillKind.choices, default=BillKind.REGULAR)
    status = models.CharField(max_length=12, choices=BillStatus.choices,
                              default=BillStatus.DRAFT)
    number = models.CharField(max_length=40, null=True, blank=True, unique=True)
    currency = models.CharField(max_length=3)
    total_exc_tax = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    total_inc_tax = models.DecimalField(**MONEY)
    paid = models.DecimalField(default=0, **MONEY)
    kwh = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    estimated_share = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    run = models.ForeignKey(BillingRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="bills")
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")
    created_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period_start", "period_end", "kind"],
                condition=~Q(status=BillStatus.CANCELLED), name="bill_one_live_per_period"),
            ExclusionConstraint(
                name="bill_live_periods_never_overlap",
                expressions=[
                    (PointRange("account"), RangeOperators.OVERLAPS),
                    (DateRange("period_start", "period_end", models.Value("[)")),
                     RangeOperators.OVERLAPS),
                ],
                condition=~Q(status=BillStatus.CANCELLED),
                violation_error_message="This account already has a live bill for part of "
                                        "this period.",
            ),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                   name="bill_period_not_empty"),
            models.CheckConstraint(
                condition=Q(status=BillStatus.DRAFT, number__isnull=True)
                | (~Q(status=BillStatus.DRAFT) & Q(number__isnull=False)),
                name="bill_number_iff_issued"),
            models.CheckConstraint(
                condition=Q(total_inc_tax=models.F("total_exc_tax") + models.F("tax")),
                name="bill_totals_add_up"),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.number or f"draft {self.pk} ({self.period_start}→{self.period_end})"

    @property
    def outstanding(self):
        return self.total_inc_tax - self.paid


class BillLine(models.Model):
    """One of the engine's lines, in order; a segment (contract × tariff version × local
    days) gives its own lines. The VAT line is the bill's, on its pre-tax total."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10)
    band = models.CharField(max_length=40, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    name = models.CharField(max_length=60, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=6)
    unit = models.CharField(max_length=10)
    unit_price = models.DecimalField(max_digits=14, decimal_places=6)
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=200)
    contract_id_value = models.BigIntegerField(null=True, blank=True)
    tariff_version = models.ForeignKey("tariffs.TariffVersion", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    meter = models.ForeignKey("metering.Meter", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    segment_start = models.DateField(null=True, blank=True)
    segment_end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bill", "position"], name="bill_line_position"),
        ]

    def __str__(self):
        return self.description


class CreditNote(models.Model):
    """Cancels one issued bill in full (never edits it); the replacement bill, if any,
    names the cancelled one in `replaces`."""

    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="credit_note")
    number = models.CharField(max_length=40, unique=True)
    reason = models.TextField()
    total_exc_tax = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    total_inc_tax = models.DecimalField(**MONEY)
    run = models.ForeignKey(BillingRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="credit_notes")
    issued_at = models.DateTimeField()

    def __str__(self):
        return self.number


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "BANK_TRANSFER", "Bank transfer"
    DIRECT_DEBIT = "DIRECT_DEBIT", "Direct debit"
    CARD = "CARD", "Card"
    CASH = "CASH", "Cash"
    TOP_UP = "TOP_UP", "Prepay top-up"


class Payment(models.Model):
    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT,
                                related_name="payments")
    amount = models.DecimalField(**MONEY)
    method = models.CharField(max_length=14, choices=PaymentMethod.choices)
    external_reference = models.CharField(max_length=100)
    received_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "external_reference"],
                                    name="payment_reference_once_per_account"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self):
        return f"{self.amount} {self.external_reference}"


class PaymentAllocation(models.Model):
    """How much of a payment (or of the credit it left) settled which bill."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive"),
        ]

    def __str__(self):
        return f"{self.amount} of payment {self.payment_id} to bill {self.bill_id}"


class PrepayCharge(models.Model):
    """One local day of a prepay account's supply, priced by the engine and taken from its
    balance."""

    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT,
                                related_name="prepay_charges")
    day_date = models.DateField()
    total_exc_tax = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    total_inc_tax = models.DecimalField(**MONEY)
    kwh = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    lines = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "day_date"],
                                    name="prepay_charge_once_per_day"),
        ]

    def __str__(self):
        return f"{self.account_id} {self.day_date}: {self.total_inc_tax}"


class PrepayAlert(models.Model):
    """A low-balance alert: raised once when credit falls below the threshold; cleared by
    a top-up that lifts it back above (then a later fall alerts again)."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE,
                                related_name="prepay_alerts")
    raised_on = models.DateField()
    credit = models.DecimalField(**MONEY)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account"], condition=Q(cleared_at__isnull=True),
                                    name="prepay_alert_one_open"),
        ]

    def __str__(self):
        return f"{self.account_id} low balance on {self.raised_on}"


class LedgerKind(models.TextChoices):
    BILL = "BILL", "Bill"
    CREDIT_NOTE = "CREDIT_NOTE", "Credit note"
    PAYMENT = "PAYMENT", "Payment"
    REFUND = "REFUND", "Refund"
    ADJUSTMENT = "ADJUSTMENT", "Adjustment"
    TOP_UP = "TOP_UP", "Top-up"
    PREPAY_CHARGE = "PREPAY_CHARGE", "Prepay charge"


class LedgerEntry(models.Model):
    """Append-only. `amount` > 0 is what the customer owes more (a bill, a prepay charge, a
    refund paid out), < 0 what they paid or were credited. The balance is the sum of an
    account's entries; `balance_after` is that sum after this entry, computed under a lock
    on the account, kept for reading statements (never updated)."""

    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT,
                                related_name="ledger")
    kind = models.CharField(max_length=13, choices=LedgerKind.choices)
    amount = models.DecimalField(**MONEY)
    balance_after = models.DecimalField(**MONEY)
    at = models.DateTimeField()
    description = models.CharField(max_length=200)
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    credit_note = models.ForeignKey(CreditNote, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    prepay_charge = models.ForeignKey(PrepayCharge, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["bill"], condition=Q(bill__isnull=False),
                                    name="ledger_one_entry_per_bill"),
            models.UniqueConstraint(fields=["credit_note"],
                                    condition=Q(credit_note__isnull=False),
                                    name="ledger_one_entry_per_credit_note"),
            models.UniqueConstraint(fields=["payment"], condition=Q(payment__isnull=False),
                                    name="ledger_one_entry_per_payment"),
            models.UniqueConstraint(fields=["prepay_charge"],
                                    condition=Q(prepay_charge__isnull=False),
                                    name="ledger_one_entry_per_prepay_charge"),
        ]
        indexes = [models.Index(fields=["account", "id"])]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class DunningNotice(models.Model):
    """A dunning step taken for an overdue bill: each step once per bill."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="dunning")
    step = models.CharField(max_length=40)
    days_overdue = models.PositiveSmallIntegerField()
    sent_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bill", "step"], name="dunning_step_once_per_bill"),
        ]

    def __str__(self):
        return f"{self.step} {self.sent_on}"
