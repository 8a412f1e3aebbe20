"""A bill as a PDF document (fpdf2: pure Python, installed from pyproject.toml alone).

The page shows who issues it (the retailer), who it is for (customer, account, address),
the number, the period, the lines, the totals, the issue and due dates, and what has been
paid. The built-in Helvetica covers Latin-1 only: characters outside it are replaced, and
amounts carry the currency code (not a symbol)."""
from datetime import date, timedelta
from decimal import Decimal

from fpdf import FPDF

from accounts.models import Premise
from billing.models import Bill

from .reads import bill_detail

UNIT_WORDS = {"day": "days", "kWh": "kWh", "kW": "kW", "month": "months"}


def line_words(*, line: dict, currency: str) -> dict:
    """A line's quantity and price as a customer reads them: "31 days" at "0.50 GBP per
    day", VAT "on 164.50 GBP" at "5%"."""
    quantity, price = Decimal(line["quantity"]), Decimal(line["unit_price"])
    if line["kind"] == "tax":
        return {**line, "quantity_text": f"on {quantity:.2f} {currency}",
                "price_text": f"{(price * 100).normalize():f}%"}
    unit = line["unit"]
    text = f"{price:.6f}".rstrip("0")
    price_shown = text + "0" * max(0, 2 - len(text.split(".")[1]))  # at least 0.50
    shown = f"{quantity.normalize():f}" if quantity == quantity.to_integral() else (
        f"{quantity:.3f}".rstrip("0"))
    return {**line, "quantity_text": f"{shown} {UNIT_WORDS.get(unit, unit)}",
            "price_text": f"{price_shown} {currency} per {unit}" if unit
            else f"{price_shown} {currency}"}


def _text(value) -> str:
    return str(value if value is not None else "").encode("latin-1", "replace").decode(
        "latin-1")


def _date(text: str | None) -> str:
    return date.fromisoformat(text).strftime("%d %b %Y") if text else "-"


def bill_pdf(*, bill: Bill, retailer_name: str) -> bytes:
    """The bill's PDF (a draft says DRAFT where the number goes). Three queries besides
    bill_detail's."""
    detail = bill_detail(bill=bill)
    customer = bill.account.customer
    premise = Premise.objects.filter(customer=customer).order_by("pk").first()
    currency = detail["currency"]
    last_day = date.fromisoformat(detail["period_end"]) - timedelta(days=1)

    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Bill {detail['number'] or 'DRAFT'}"))
    pdf.set_author(_text(retailer_name))
    pdf.set_creator("Gridline")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _text(retailer_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 5, "Electricity bill", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, _text(customer.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    if premise is not None:
        pdf.cell(0, 5, _text(f"{premise.address_line}, {premise.city} {premise.postcode}"
                             .strip()), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, _text(f"Customer {customer.reference} · account {detail['account']}"
                         .replace("·", "-")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    facts = [
        ("Bill number", detail["number"] or "DRAFT (not issued)"),
        ("Period", f"{_date(detail['period_start'])} to {last_day:%d %b %Y}"),
        ("Issued", _date(detail["issue_date"])),
        ("Due", _date(detail["due_date"])),
        ("Energy used", f"{float(detail['kwh']):,.1f} kWh"),
    ]
    if detail["status"] == "CANCELLED":
        facts.append(("Status", "CANCELLED (see the credit note)"))
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(40, 6, _text(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Helvetica", "B", 9)
    with pdf.table(col_widths=(80, 34, 40, 28), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   first_row_as_headings=True) as table:
        table.row(["What", "Quantity", "Price", f"Amount ({currency})"])
        pdf.set_font("Helvetica", "", 9)
        for line in detail["lines"]:
            words = line_words(line=line, currency=currency)
            table.row([_text(line["description"]), _text(words["quantity_text"]),
                       _text(words["price_text"]), line["amount"]])
    pdf.ln(3)
    totals = [("Total before VAT", detail["total_exc_tax"]), ("VAT", detail["tax"]),
              ("Total", detail["total_inc_tax"]), ("Paid", detail["paid"]),
              ("Left to pay", detail["outstanding"])]
    for label, amount in totals:
        bold = label in ("Total", "Left to pay")
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(150, 6, _text(label), align="R")
        pdf.cell(32, 6, _text(f"{amount} {currency}"), align="R", new_x="LMARGIN",
                 new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, _text(
        f"Please pay {detail['outstanding']} {currency} by {_date(detail['due_date'])}, "
        f"quoting {detail['number'] or 'your account number'}. Questions about this bill: "
        f"contact {retailer_name}."))
    return bytes(pdf.output())
