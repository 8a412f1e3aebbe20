"""Staff admin for billing, read-only: runs with their progress and the accounts they held
or failed (with reasons), bills with their lines, credit notes, the ledger, payments,
dunning notices and prepay charges. Everything is written by billing's domain (runs,
payments, corrections); richer pages (starting a run, a bill's "why") build on
billing/domain/reads.py."""
from django.contrib import admin
from django.utils.html import format_html

from billing.domain.runs import run_progress
from billing.models import (
    Bill,
    BillingRun,
    BillingSettings,
    BillLine,
    CreditNote,
    DunningNotice,
    LedgerEntry,
    Payment,
    PrepayCharge,
    RunIssue,
)
from core.admin import ReadOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RunIssueInline(ReadOnlyInline):
    model = RunIssue
    fields = ["account", "outcome", "reason"]
    readonly_fields = fields


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "period_start", "kind", "issue", "status", "progress", "created_at",
                    "finished_at"]
    list_filter = ["status", "kind"]
    inlines = [RunIssueInline]

    @admin.display(description="progress")
    def progress(self, run):
        done = run_progress(run=run)
        return (f"{done['chunks_done']}/{done['chunks']} chunks, {done['billed']} billed, "
                f"{done['held']} held, {done['failed']} failed")


class BillLineInline(ReadOnlyInline):
    model = BillLine
    fields = ["position", "description", "kind", "band", "tier", "quantity", "unit",
              "unit_price", "amount"]
    readonly_fields = fields
    ordering = ["position"]


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "account", "period_start", "period_end", "kind", "status",
                    "total_inc_tax", "paid", "due_date"]
    list_filter = ["status", "kind", "period_start"]
    search_fields = ["number", "account__number", "account__customer__reference"]
    list_select_related = ["account"]
    inlines = [BillLineInline]
    readonly_fields = ["replacement"]

    @admin.display(description="replaced by")
    def replacement(self, bill):
        replaced = Bill.objects.filter(replaces=bill).first()
        return format_html("{}", replaced.number) if replaced else "—"


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "bill", "total_inc_tax", "issued_at", "reason"]
    search_fields = ["number", "bill__number"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["account", "at", "kind", "amount", "balance_after", "description"]
    list_filter = ["kind"]
    search_fields = ["account__number"]
    list_select_related = ["account"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["account", "amount", "method", "external_reference", "received_at"]
    search_fields = ["account__number", "external_reference"]


@admin.register(DunningNotice)
class DunningNoticeAdmin(ReadOnlyAdmin):
    list_display = ["bill", "step", "days_overdue", "sent_on"]
    list_filter = ["step"]


@admin.register(PrepayCharge)
class PrepayChargeAdmin(ReadOnlyAdmin):
    list_display = ["account", "day_date", "kwh", "total_inc_tax"]


@admin.register(BillingSettings)
class BillingSettingsAdmin(ReadOnlyAdmin):
    list_display = ["due_days", "dunning_steps", "prepay_low_balance"]
