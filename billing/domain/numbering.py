"""Gap-free document numbers per retailer, series and year: `ALPHA-2026-000123` for bills,
`ALPHA-CN-2026-000007` for credit notes.

The counter row is incremented by an UPDATE inside the issuing transaction, which holds its
row lock until commit: a second issuer waits, a rolled-back issue gives its numbers back,
so numbers never repeat and never skip. Take them as late as possible in the transaction.
"""
from django.db import connection

SERIES_PREFIX = {"BILL": "", "CREDIT": "CN-"}


def numbers_take(*, series: str, year: int, count: int) -> list[str]:
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_documentcounter (series, year, last) VALUES (%s, %s, 0) "
            "ON CONFLICT (series, year) DO NOTHING", [series, year])
        cursor.execute(
            "UPDATE billing_documentcounter SET last = last + %s "
            "WHERE series = %s AND year = %s RETURNING last", [count, series, year])
        last = cursor.fetchone()[0]
    prefix = f"{connection.schema_name.upper()}-{SERIES_PREFIX[series]}{year}-"
    return [f"{prefix}{number:06d}" for number in range(last - count + 1, last + 1)]
