"""A chunk of a run is priced and written in a constant number of statements, whatever the
number of accounts in it (the bulk seams: billable contracts, versions, the meters'
profiles in one COPY, the bills, lines and ledger entries in one COPY each)."""
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.domain.loading import chunk_price
from billing.domain.writing import IssueTerms, bills_write
from tests.billing.world import LONDON, NOW, TODAY, flat, household, month, product, readings

APRIL = month(2026, 4)
# contracts (3), versions in force (1), their definitions (7: a version not yet billed is
# not memoised), the meters' profiles (1 COPY), and whether any of the customers holds
# cooperative shares or coefficients (2: the generation source, billing/domain/generation.py)
PRICE_QUERIES = 14


def _accounts(prefix: str, count: int, version) -> list[int]:
    ids = []
    for n in range(count):
        account, meter, _ = household(f"{prefix}{n}", version)
        readings(meter, APRIL, "0.5")
        ids.append(account.pk)
    return ids


def _write(priced) -> None:
    with transaction.atomic():
        bills_write(priced=priced, run_id=None, currency="GBP", now=NOW,
                    issue=IssueTerms(issue_date=TODAY, due_days=14))
        transaction.set_rollback(True)


def test_a_chunk_costs_the_same_statements_for_2_or_12_accounts(in_alpha,
                                                                   django_assert_num_queries):
    version = product("CHUNK-Q", flat())
    few, many = _accounts("CQA", 2, version), _accounts("CQB", 12, version)
    with django_assert_num_queries(PRICE_QUERIES):
        priced_few, holds = chunk_price(period=APRIL, time_zone=LONDON, account_ids=few)
    assert len(priced_few) == 2 and not holds
    with django_assert_num_queries(PRICE_QUERIES) as captured:
        priced_many, holds = chunk_price(period=APRIL, time_zone=LONDON, account_ids=many)
    assert len(priced_many) == 12 and not holds
    copies = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith("COPY")]
    assert len(copies) == 1 and "metering_dailyrollup" in copies[0]
    with CaptureQueriesContext(connection) as writing_few:
        _write(priced_few)
    with CaptureQueriesContext(connection) as writing_many:
        _write(priced_many)
    assert len(writing_few) == len(writing_many)
