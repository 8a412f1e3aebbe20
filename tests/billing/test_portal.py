"""The portal's Bills pages through the real entry points (a logged-in customer's client):
the list (money beside energy, no N+1), a bill with its lines and the chart of its period,
the PDF, balance and payments, a prepay customer's daily charges; and nobody sees another
customer's bills."""
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from pypdf import PdfReader

from accounts.domain.audit import Actor
from billing.domain.payments import payment_record
from billing.models import PrepayCharge
from tests.billing.doors import billed_customer, bills_of
from tests.billing.world import NOW, flat, household, month, product
from tests.conftest import login


@pytest.fixture
def carol(alpha):
    """A customer at alpha with two issued bills and a portal login."""
    with schema_context("alpha"):
        account = billed_customer("CAROL", username="carol-bills")
    assert login(alpha, "carol-bills").status_code == 302
    return account


def test_bills_is_in_the_one_navigation_and_lists_money_beside_energy(alpha, carol):
    page = alpha.get("/bills/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-nav="bills"' in html and 'aria-current="page"' in html
    with schema_context("alpha"):
        september, october = bills_of(carol)
    assert html.index(october.number) < html.index(september.number)  # newest first
    assert "745.0 kWh" in html and "172.73 GBP" in html


def test_the_bills_list_costs_the_same_queries_for_2_or_10_bills(alpha, carol):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alpha.get("/bills/").status_code == 200
        return len(captured)

    few = queries()
    with schema_context("alpha"):
        more = billed_customer("CAROL2", months=[(2026, m) for m in range(1, 9)])
        from accounts.models import Customer
        carols = Customer.objects.get(reference="CAROL")
        more.customer = carols
        more.save(update_fields=["customer"])
        assert len(bills_of(more)) == 8
    assert alpha.get("/bills/").content.decode().count('data-testid="bill-row"') == 10
    assert queries() == few


def test_a_bill_shows_its_lines_the_chart_of_its_period_and_a_pdf(alpha, carol):
    with schema_context("alpha"):
        october = bills_of(carol)[1]
    page = alpha.get(f"/bills/{october.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="bill-line"') == 3
    # plain words: days and prices per unit, VAT as a percentage of what it is on, the
    # period's last day (not the exclusive end)
    for words in ("31 days", "0.50 GBP per day", "745 kWh", "0.20 GBP per kWh",
                  "on 164.50 GBP", "5%", "1 Oct 2026 to 31 Oct 2026"):
        assert words in html, words
    spec = page.context["chart"]["spec"]
    embedded = re.search(r'<script id="bill-spec"[^>]*>(.*?)</script>', html).group(1)
    assert json.loads(embedded) == spec
    assert len(spec["x"]) == 31 and spec["x"][0] == "1 Oct"
    assert spec["series"][0]["y"][24] == 25.0  # the 25th: 50 half-hours of 0.5 kWh
    assert (spec["xTitle"], spec["yTitle"], spec["unit"]) == ("Day", "Energy used", "kWh")
    assert 'data-testid="chart-bill"' in html and "plotly.min.js" in html
    pdf = alpha.get(f"/bills/{october.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert f'filename="{october.number}.pdf"' in pdf["Content-Disposition"]
    assert october.number in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_balance_and_payments(alpha, carol):
    with schema_context("alpha"):
        payment_record(account=carol, amount="400.00", method="CARD",
                       external_reference="CARD-77", received_at=NOW, actor=Actor.system(at=NOW))
    html = alpha.get("/bills/balance/").content.decode()
    # two bills (September 30 x 0.5 + 720 x 0.5 x 0.2 -> 159.00 + 7.95 = 166.95; October
    # 172.73) = 339.68; paid 400.00: 60.32 in credit.
    assert "In credit" in html and "60.32 GBP" in html
    assert "CARD-77" in html and "Card" in html
    assert alpha.get("/bills/").content.decode().count("Paid") >= 2


def test_a_prepay_customer_sees_balance_and_daily_charges(alpha):
    with schema_context("alpha"):
        account, _, _ = household("PREPAY1", product("PP-FLAT", flat()), payment="PREPAY")
        from accounts.domain.demo import DEMO_PASSWORD
        from accounts.models import CustomerUser
        from accounts.users.models import Role, User
        user = User.objects.create_user(username="dave-prepay", password=DEMO_PASSWORD,
                                        role=Role.CUSTOMER)
        CustomerUser.objects.create(user=user, customer=account.customer)
        payment_record(account=account, amount="20.00", method="TOP_UP",
                       external_reference="TOP-1", received_at=NOW, actor=Actor.system(at=NOW))
        from billing.domain.prepay import prepay_charge_day
        from tests.billing.world import readings
        day = month(2026, 11).start
        readings(account.contracts.get().meter_point.meters.get(),
                 type(month(2026, 11))(day, day.replace(day=2)), "0.5")
        prepay_charge_day(day=day, time_zone="Europe/London", now=NOW)
        charge = PrepayCharge.objects.get(account=account)
    assert login(alpha, "dave-prepay").status_code == 302
    html = alpha.get("/bills/balance/").content.decode()
    assert 'data-testid="prepay-charges"' in html
    assert "Sun 1 Nov 2026" in html and f"{charge.total_inc_tax} GBP" in html
    assert "In credit" in html


def test_a_customer_never_sees_another_customers_bill(alpha, carol):
    with schema_context("alpha"):
        erin = billed_customer("ERIN")
        erins = bills_of(erin)[0]
        drafts = billed_customer("CAROL-DRAFT", months=((2026, 8),), issue=False)
        from accounts.models import Customer
        drafts.customer = Customer.objects.get(reference="CAROL")
        drafts.save(update_fields=["customer"])
        draft = bills_of(drafts)[0]
    for url in (f"/bills/{erins.pk}/", f"/bills/{erins.pk}/pdf/", f"/bills/{draft.pk}/",
                f"/bills/{draft.pk}/pdf/"):
        assert alpha.get(url).status_code == 404, url
    assert erins.number not in alpha.get("/bills/").content.decode()


def test_bobs_bills_at_beta_are_not_found_at_alpha(alpha, beta, carol):
    with schema_context("beta"):
        bobs = bills_of(billed_customer("BOB-BILLS"))[0]
    with schema_context("alpha"):
        from billing.models import Bill
        assert not Bill.objects.filter(pk=bobs.pk).exclude(account=carol).exists()
    if bobs.pk not in [b.pk for b in bills_of(carol)]:
        assert alpha.get(f"/bills/{bobs.pk}/").status_code == 404
        assert alpha.get(f"/bills/{bobs.pk}/pdf/").status_code == 404


def test_pages_need_a_login(alpha):
    assert alpha.get("/bills/").status_code == 302
    assert alpha.get("/bills/balance/").status_code == 302


def test_the_demo_customers_see_their_bills(bob):
    """`make run`'s billing history (billing_demo) is what bob sees under Bills."""
    from django.core.management import call_command
    call_command("generate_demo_readings", "--schema=beta", "--meters=3", "--months=5",
                 stdout=io.StringIO())
    call_command("billing_demo", "--schema=beta", stdout=io.StringIO())
    html = bob.get("/bills/").content.decode()
    assert html.count('data-testid="bill-row"') >= 4
    assert "Overdue" in html and "Cancelled (replaced)" in html
    with schema_context("beta"):
        from billing.models import Bill
        latest = (Bill.objects.filter(account__customer__reference="BETA-H-0001")
                  .exclude(status="CANCELLED").order_by("-period_start").first())
    page = bob.get(f"/bills/{latest.pk}/")
    assert page.status_code == 200 and page.context["chart"]["total_kwh"] > 0
    assert "Balance and payments" in html
    assert "You owe" in bob.get("/bills/balance/").content.decode()
