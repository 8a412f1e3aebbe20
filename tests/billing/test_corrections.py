"""A corrected read after issue: the CORRECTION run cancels the bill with a credit note for
its full amount and issues a replacement from the new readings; both are on the ledger,
money already paid follows to the replacement, and running the correction again changes
nothing."""
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from accounts.domain.audit import Actor
from billing.domain.payments import payment_record
from billing.domain.reads import bill_detail, ledger_of_account
from billing.models import Bill, CreditNote, LedgerEntry
from core.ranges import DateRange
from metering.domain.ingest import IngestOptions, readings_ingest_file
from metering.models import ReadingEdit
from tests.billing.conftest import bill_now
from tests.billing.world import LONDON, NOW, flat, household, month, product, readings, slots


def _actual_reads(meter, starts, kwh: str, *, at: datetime):
    text = "meter_serial,interval_start,kwh\n" + "".join(
        f"{meter.serial},{start.isoformat()},{kwh}\n" for start in starts)
    return readings_ingest_file(stream=io.BytesIO(text.encode()), file_format="csv",
                                source="actual-reads", now=at,
                                options=IngestOptions(time_zone=LONDON))


def test_actual_reads_after_issue_cancel_and_replace_the_bill(in_alpha):
    account, meter, _ = household("COR1", product("COR-FLAT", flat(unit="0.20",
                                                                   standing="0.50")))
    # April: 1440 half-hours of 0.5 kWh = 720 kWh, the 48 of 10 April ESTIMATED.
    readings(meter, DateRange(date(2026, 4, 1), date(2026, 4, 10)), "0.5")
    readings(meter, DateRange(date(2026, 4, 10), date(2026, 4, 11)), "0.5",
             quality="ESTIMATED")
    readings(meter, DateRange(date(2026, 4, 11), date(2026, 5, 1)), "0.5")
    bill_now(month(2026, 4), account_ids=[account.pk])
    original = Bill.objects.get(account=account)
    # 720 kWh x 0.20 = 144.00 + 30 days x 0.50 = 15.00 -> 159.00; 48 of 1440 estimated.
    assert original.total_inc_tax == Decimal("159.00")
    assert original.estimated_share == Decimal("0.0333")
    payment_record(account=account, amount="159.00", method="BANK_TRANSFER",
                   external_reference="PAY-COR1", received_at=NOW, actor=Actor.system(at=NOW))

    # The meter's real reads for 10 April arrive a week after the bill: 1.5 kWh each.
    later = NOW + timedelta(days=7)
    report = _actual_reads(meter, slots(DateRange(date(2026, 4, 10), date(2026, 4, 11))),
                           "1.5", at=later)
    assert report.updated == 48
    assert ReadingEdit.objects.filter(meter=meter, old_quality="ESTIMATED",
                                      new_quality="ACTUAL").count() == 48

    run = bill_now(month(2026, 4), kind="CORRECTION", now=later + timedelta(hours=1))
    assert run.status == "DONE"
    original.refresh_from_db()
    replacement = Bill.objects.get(replaces=original)
    note = CreditNote.objects.get(bill=original)
    # 10 April: 48 x 1.5 = 72 kWh instead of 24: 768 kWh x 0.20 = 153.60 + 15.00 = 168.60;
    # nothing estimated any more.
    assert original.status == "CANCELLED"
    assert note.total_inc_tax == Decimal("159.00") and note.number.startswith("ALPHA-CN-")
    assert replacement.total_inc_tax == Decimal("168.60")
    assert replacement.estimated_share == 0 and replacement.number != original.number
    # The 159.00 paid on the cancelled bill now settles the replacement: 9.60 left to pay.
    assert (replacement.paid, replacement.status) == (Decimal("159.00"), "PARTLY_PAID")
    ledger = ledger_of_account(account_id=account.pk)
    assert [(e["kind"], e["amount"]) for e in ledger["entries"]] == [
        ("BILL", "159.00"), ("PAYMENT", "-159.00"), ("CREDIT_NOTE", "-159.00"),
        ("BILL", "168.60")]
    assert ledger["balance"] == "9.60" == ledger["entries"][-1]["balance_after"]
    detail = bill_detail(bill=original)
    assert detail["credit_note"]["number"] == note.number
    assert detail["replaced_by"]["number"] == replacement.number

    again = bill_now(month(2026, 4), kind="CORRECTION", now=later + timedelta(hours=2))
    assert again.accounts == 0
    assert Bill.objects.filter(account=account).count() == 2
    assert LedgerEntry.objects.filter(account=account).count() == 4


def test_edits_of_actual_reads_or_before_issue_correct_nothing(in_alpha):
    account, meter, _ = household("COR2", product("COR-FLAT2", flat()))
    readings(meter, month(2026, 4), "0.5")
    # An ACTUAL read replaced by another ACTUAL one is not "estimated replaced by actual".
    later = NOW + timedelta(days=1)
    _actual_reads(meter, [datetime(2026, 4, 2, 10, tzinfo=UTC)], "0.7", at=NOW)
    bill_now(month(2026, 4), account_ids=[account.pk], now=later)
    run = bill_now(month(2026, 4), kind="CORRECTION", now=later + timedelta(hours=1))
    assert run.accounts == 0 and not CreditNote.objects.filter(bill__account=account).exists()
