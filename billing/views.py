"""Portal pages of billing (mounted at /bills/): a customer's bills, one bill with its
lines and the consumption of its period, its PDF, and the balance and payments (with the
daily charges of a prepay account). Read-only: each page reads through billing/domain."""
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.domain.access import CustomerNotVisible, customer_of_login
from billing.domain.documents import bill_pdf, line_words
from billing.domain.reads import (
    BillNotFound,
    access_bill_by_id,
    account_statement,
    bill_page,
    bills_listed,
)
from billing.models import BillStatus

# What a status means to a customer, in plain words.
STATUS_WORDS = {
    BillStatus.ISSUED: "To pay", BillStatus.PARTLY_PAID: "Part paid",
    BillStatus.PAID: "Paid", BillStatus.OVERDUE: "Overdue",
    BillStatus.CANCELLED: "Cancelled (replaced)", BillStatus.DRAFT: "Draft",
}
BILLS_SHOWN = 60


def _customer(request):
    try:
        return customer_of_login(user=request.user)
    except CustomerNotVisible:
        raise Http404("This login has no customer.") from None


def _account_ids(request) -> list[int]:
    return list(_customer(request).accounts.order_by("pk").values_list("pk", flat=True))


@login_required
def bills(request):
    bills = list(bills_listed(account_ids=_account_ids(request),
                              include_drafts=False)[:BILLS_SHOWN])
    for bill in bills:
        bill.status_words = STATUS_WORDS.get(bill.status, bill.status)
        bill.last_day = bill.period_end - timedelta(days=1)
    return render(request, "billing/bills.html", {"bills": bills})


@login_required
def bill(request, bill_id: int):
    try:
        page = bill_page(bill_id=bill_id, account_ids=_account_ids(request),
                         time_zone=request.tenant.time_zone)
    except BillNotFound:
        raise Http404("No such bill.") from None
    bill = page["bill"]
    page["status_words"] = STATUS_WORDS.get(bill.status, bill.status)
    page["last_day"] = bill.period_end - timedelta(days=1)
    page["lines"] = [line_words(line=line, currency=bill.currency)
                     for line in page["detail"]["lines"]]
    return render(request, "billing/bill.html", page)


@login_required
def bill_pdf_download(request, bill_id: int):
    try:
        bill = access_bill_by_id(bill_id=bill_id, account_ids=_account_ids(request))
    except BillNotFound:
        raise Http404("No such bill.") from None
    if bill.status == BillStatus.DRAFT:
        raise Http404("No such bill.")
    return pdf_response(bill=bill, retailer_name=request.tenant.name)


def pdf_response(*, bill, retailer_name: str) -> HttpResponse:
    """The bill's PDF as a download (the portal, the admin and the API send the same)."""
    response = HttpResponse(bill_pdf(bill=bill, retailer_name=retailer_name),
                            content_type="application/pdf")
    name = bill.number or f"draft-{bill.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def balance(request):
    accounts = _customer(request).accounts.order_by("number")
    statements = [account_statement(account=account) for account in accounts]
    return render(request, "billing/balance.html", {"statements": statements})
