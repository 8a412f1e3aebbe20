"""Staff admin for billing. The records are read-only (everything is written by billing's
domain); the pages that act make one call into it:

- Billing runs: "Start a run" (bill_run_start, then the workers through bill_run_enqueue)
  and its progress page (run_progress, refreshing itself while the run works); each run
  lists the accounts it held or failed, with the reasons.
- Bills: lines with a "why" page per line (bill_line_explanation: the intervals, band and
  rate behind it), credit note, replacement, payments, dunning, the PDF; the action
  "Issue the selected drafts" (drafts_issue).
- Payments: "Record a payment" (payment_record, idempotent by external reference).
- Credit notes, the ledger, dunning notices, prepay charges: lists.

Who may act: `billing.add_billingrun` starts runs, `billing.change_bill` issues drafts,
`billing.add_payment` records payments (accounts/domain/staff_roles.py gives sales staff
payments; administrators have everything)."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.domain.audit import Actor
from accounts.models import Account, AuditChannel
from billing.admin_forms import PaymentRecordForm, RunStartForm
from billing.domain.issuing import drafts_issue
from billing.domain.payments import UnableToRecordPayment, payment_record
from billing.domain.periods import InvalidBillingPeriod, month_period
from billing.domain.reads import bill_detail, bill_line_explanation
from billing.domain.runs import UnableToStartRun, bill_run_start, run_progress
from billing.models import (
    ACTIVE_RUN_STATUSES,
    Bill,
    BillingRun,
    BillingSettings,
    BillLine,
    BillStatus,
    CreditNote,
    DunningNotice,
    LedgerEntry,
    Payment,
    PrepayCharge,
    RunIssue,
)
from billing.tasks import bill_run_enqueue
from billing.views import pdf_response
from core.admin import ReadOnlyAdmin
from core.ranges import local_date


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


def _page(admin_view, request, title: str, **context) -> dict:
    return {**admin_view.admin_site.each_context(request), "opts": admin_view.model._meta,
            "title": title, **context}


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "period_start", "kind", "issue", "status", "progress", "created_at",
                    "finished_at"]
    list_filter = ["status", "kind"]
    inlines = [RunIssueInline]
    readonly_fields = ["progress_link"]
    change_list_template = "billing/admin/run_changelist.html"

    @admin.display(description="progress")
    def progress(self, run):
        done = run_progress(run=run)
        return (f"{done['chunks_done']}/{done['chunks']} chunks, {done['billed']} billed, "
                f"{done['held']} held, {done['failed']} failed")

    @admin.display(description="progress page")
    def progress_link(self, run):
        return format_html('<a href="{}">Progress and held accounts</a>',
                           reverse("admin:billing_billingrun_progress", args=[run.pk]))

    def get_urls(self):
        return [
            path("start/", self.admin_site.admin_view(self.start_view),
                 name="billing_billingrun_start"),
            path("<int:run_id>/progress/", self.admin_site.admin_view(self.progress_view),
                 name="billing_billingrun_progress"),
            *super().get_urls(),
        ]

    def start_view(self, request):
        if not request.user.has_perm("billing.add_billingrun"):
            raise PermissionDenied
        form = RunStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            now = timezone.now()
            try:
                run = bill_run_start(
                    period=month_period(form.cleaned_data["period"]),
                    kind=form.cleaned_data["kind"], issue=form.cleaned_data["issue"],
                    today=local_date(now, request.tenant.time_zone), now=now)
            except (UnableToStartRun, InvalidBillingPeriod) as exc:
                form.add_error(None, exc.detail)
            else:
                bill_run_enqueue(run=run)
                messages.success(request, f"Run {run.pk} is queued for the workers.")
                return redirect("admin:billing_billingrun_progress", run.pk)
        return TemplateResponse(request, "billing/admin/form_page.html", _page(
            self, request, "Start a billing run", form=form, form_id="run-start",
            crumb="Start", submit_label="Start the run",
            list_url=reverse("admin:billing_billingrun_changelist"),
            note="The run is planned and billed by the Celery workers (the billing queue); "
                 "its page shows the progress."))

    def progress_view(self, request, run_id: int):
        if not request.user.has_perm("billing.view_billingrun"):
            raise PermissionDenied
        run = BillingRun.objects.filter(pk=run_id).first()
        if run is None:
            raise Http404("No such run.")
        issues = run.issues.select_related("account").order_by("outcome", "account__number")
        return TemplateResponse(request, "billing/admin/run_progress.html", _page(
            self, request, f"Billing run {run.pk}: {run.period_start:%Y-%m} ({run.kind})",
            run=run, progress=run_progress(run=run), issues=issues,
            active=run.status in ACTIVE_RUN_STATUSES))


class BillLineInline(ReadOnlyInline):
    model = BillLine
    fields = ["position", "description", "kind", "band", "tier", "quantity", "unit",
              "unit_price", "amount", "why"]
    readonly_fields = fields
    ordering = ["position"]

    @admin.display(description="why")
    def why(self, line):
        if line.meter_id is None:
            return "—"
        return format_html('<a href="{}" data-testid="line-why">intervals</a>',
                           reverse("admin:billing_bill_line_why", args=[line.bill_id, line.pk]))


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "account", "period_start", "period_end", "kind", "status",
                    "total_inc_tax", "paid", "due_date"]
    list_filter = ["status", "kind", "period_start"]
    search_fields = ["number", "account__number", "account__customer__reference"]
    list_select_related = ["account"]
    inlines = [BillLineInline]
    readonly_fields = ["documents", "corrections", "dunning_state"]
    actions = ["issue_drafts"]

    def has_issue_permission(self, request):
        return request.user.has_perm("billing.change_bill")

    @admin.action(description="Issue the selected drafts", permissions=["issue"])
    def issue_drafts(self, request, queryset):
        now = timezone.now()
        issued = drafts_issue(bill_ids=list(queryset.values_list("pk", flat=True)),
                              today=local_date(now, request.tenant.time_zone), now=now)
        self.message_user(request, f"{issued} draft(s) issued; other bills were left alone.",
                          messages.SUCCESS if issued else messages.WARNING)

    @admin.display(description="documents")
    def documents(self, bill):
        ledger = reverse("admin:billing_ledgerentry_changelist")
        return format_html(
            '<a href="{}" data-testid="bill-pdf">PDF</a> · '
            '<a href="{}?account__id__exact={}">ledger of {}</a> · '
            '<a href="{}?account__id__exact={}">payments</a>',
            reverse("admin:billing_bill_pdf", args=[bill.pk]), ledger, bill.account_id,
            bill.account.number, reverse("admin:billing_payment_changelist"),
            bill.account_id)

    @admin.display(description="credit note and replacement")
    def corrections(self, bill):
        detail = bill_detail(bill=bill)
        parts = []
        if detail["credit_note"]:
            parts.append(("cancelled by credit note", detail["credit_note"]["number"]))
        if detail["replaced_by"]:
            parts.append(("replaced by", detail["replaced_by"]["number"]))
        if detail["replaces"]:
            parts.append(("replaces", detail["replaces"]["number"]))
        return format_html_join(", ", "{} {}", parts) if parts else "—"

    @admin.display(description="dunning")
    def dunning_state(self, bill):
        steps = bill_detail(bill=bill)["dunning"]
        if not steps:
            return "overdue, no step yet" if bill.status == BillStatus.OVERDUE else "—"
        return format_html_join(", ", "{} on {} ({} days overdue)",
                                ((s["step"], s["sent_on"], s["days_overdue"]) for s in steps))

    def get_urls(self):
        return [
            path("<int:bill_id>/pdf/", self.admin_site.admin_view(self.pdf_view),
                 name="billing_bill_pdf"),
            path("<int:bill_id>/lines/<int:line_id>/why/",
                 self.admin_site.admin_view(self.why_view), name="billing_bill_line_why"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, bill_id: int):
        if not request.user.has_perm("billing.view_bill"):
            raise PermissionDenied
        bill = Bill.objects.select_related("account__customer").filter(pk=bill_id).first()
        if bill is None:
            raise Http404("No such bill.")
        return pdf_response(bill=bill, retailer_name=request.tenant.name)

    def why_view(self, request, bill_id: int, line_id: int):
        if not request.user.has_perm("billing.view_bill"):
            raise PermissionDenied
        line = (BillLine.objects.select_related("bill", "meter")
                .filter(pk=line_id, bill_id=bill_id).first())
        if line is None:
            raise Http404("No such line.")
        why = bill_line_explanation(line=line, time_zone=request.tenant.time_zone)
        return TemplateResponse(request, "billing/admin/line_why.html", _page(
            self, request, f"Why: {line.description}", line=line, bill=line.bill, why=why))


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "bill", "total_inc_tax", "issued_at", "reason"]
    search_fields = ["number", "bill__number"]
    list_select_related = ["bill"]


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
    list_select_related = ["account"]
    change_list_template = "billing/admin/payment_changelist.html"

    def get_urls(self):
        return [path("record/", self.admin_site.admin_view(self.record_view),
                     name="billing_payment_record"), *super().get_urls()]

    def record_view(self, request):
        if not request.user.has_perm("billing.add_payment"):
            raise PermissionDenied
        form = PaymentRecordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            account = Account.objects.filter(number=data["account"]).first()
            if account is None:
                form.add_error("account", f"No account {data['account']!r}.")
            else:
                try:
                    payment, created = payment_record(
                        account=account, amount=data["amount"], method=data["method"],
                        external_reference=data["external_reference"],
                        received_at=data["received_at"],
                        actor=Actor(channel=AuditChannel.ADMIN, at=timezone.now(),
                                    user=request.user))
                except UnableToRecordPayment as exc:
                    form.add_error(None, exc.detail)
                else:
                    messages.success(request, (
                        f"Payment of {payment.amount} recorded for {account.number}."
                        if created else f"Reference {payment.external_reference} was "
                        f"recorded before ({payment.amount}); nothing was added."))
                    return redirect(reverse("admin:billing_payment_changelist")
                                    + f"?account__id__exact={account.pk}")
        return TemplateResponse(request, "billing/admin/form_page.html", _page(
            self, request, "Record a payment", form=form, form_id="payment-record",
            crumb="Record", submit_label="Record the payment",
            list_url=reverse("admin:billing_payment_changelist"),
            note="The payment settles the account's oldest open bills; what is left stays "
                 "as credit."))


@admin.register(DunningNotice)
class DunningNoticeAdmin(ReadOnlyAdmin):
    list_display = ["bill", "step", "days_overdue", "sent_on"]
    list_filter = ["step"]
    list_select_related = ["bill"]


@admin.register(PrepayCharge)
class PrepayChargeAdmin(ReadOnlyAdmin):
    list_display = ["account", "day_date", "kwh", "total_inc_tax"]
    list_select_related = ["account"]


@admin.register(BillingSettings)
class BillingSettingsAdmin(ReadOnlyAdmin):
    list_display = ["due_days", "dunning_steps", "prepay_low_balance"]
