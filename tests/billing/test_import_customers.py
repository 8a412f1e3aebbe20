"""`import_customers`: good rows land, every bad row is reported with its line and reason
and writes nothing, and loading the same file again changes nothing."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_context

from accounts.models import Contract, Customer, MeterPoint
from metering.models import Meter

HEADER = ("reference,name,kind,segment,address,city,region,floor_area_m2,heating_type,"
          "meter_serial,direction,interval_minutes,product_code,active_from,settlement,"
          "payment\n")
GOOD = ("IMP-1,Ann Example,HOUSEHOLD,residential,1 High St,Alphaville,North,80,HEAT_PUMP,"
        "IMP-M-1,IMPORT,30,ALPHA-FLEX,2026-02-01,MONTHLY,POSTPAY\n")
EXPORT = ("IMP-1,Ann Example,HOUSEHOLD,residential,1 High St,Alphaville,North,80,HEAT_PUMP,"
          "IMP-X-1,EXPORT,30,ALPHA-FLEX,2026-02-01,MONTHLY,POSTPAY\n")
UNKNOWN_PRODUCT = ("IMP-2,Bo Example,HOUSEHOLD,,2 High St,Alphaville,North,,,IMP-M-2,IMPORT,"
                   "30,NO-SUCH,2026-02-01,MONTHLY,POSTPAY\n")
TAKEN_SERIAL = ("IMP-3,Cy Example,HOUSEHOLD,,3 High St,Alphaville,North,,,IMP-M-1,IMPORT,30,"
                "ALPHA-FLEX,2026-02-01,MONTHLY,POSTPAY\n")
BAD_DATE = ("IMP-4,Di Example,HOUSEHOLD,,4 High St,Alphaville,North,,,IMP-M-4,IMPORT,30,"
            "ALPHA-FLEX,1st Feb,MONTHLY,POSTPAY\n")
NOT_ELIGIBLE = ("IMP-5,Ed Ltd,ENTERPRISE,sme,5 High St,Alphaville,North,,,IMP-M-5,IMPORT,30,"
                "ALPHA-FLEX,2026-02-01,MONTHLY,POSTPAY\n")


def _import(tmp_path, text) -> dict:
    path = tmp_path / "customers.csv"
    path.write_text(text)
    out = StringIO()
    call_command("import_customers", "--schema=alpha", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_good_rows_land_and_bad_rows_are_reported(db, tmp_path):
    report = _import(tmp_path, HEADER + GOOD + EXPORT + UNKNOWN_PRODUCT + TAKEN_SERIAL
                     + BAD_DATE + NOT_ELIGIBLE)
    assert report["read"] == 6 and report["created"] == 1 and report["updated"] == 1
    assert report["rejected"] == [
        {"line": 4, "reason": "No product with code 'NO-SUCH'."},
        {"line": 5, "reason": "meter serial IMP-M-1 already belongs to customer IMP-1"},
        {"line": 6, "reason": "active_from '1st Feb' is not a date YYYY-MM-DD"},
        {"line": 7, "reason": report["rejected"][3]["reason"]},
    ]
    assert "ALPHA-FLEX" in report["rejected"][3]["reason"]
    with schema_context("alpha"):
        # Nothing of the bad rows was written.
        assert not Customer.objects.filter(reference__in=["IMP-2", "IMP-3", "IMP-4",
                                                           "IMP-5"]).exists()
        point = MeterPoint.objects.get(premise__customer__reference="IMP-1")
        assert sorted(point.meters.values_list("serial", "direction")) == [
            ("IMP-M-1", "IMPORT"), ("IMP-X-1", "EXPORT")]
        contract = Contract.objects.get(meter_point=point)
        assert (str(contract.active_from), contract.tariff_version.product.code) == (
            "2026-02-01", "ALPHA-FLEX")
        meters = Meter.objects.count()
    again = _import(tmp_path, HEADER + GOOD + EXPORT)
    assert again == {"read": 2, "created": 0, "updated": 0, "rejected": []}
    with schema_context("alpha"):
        assert Meter.objects.count() == meters


def test_a_file_without_the_header_is_refused_whole(db, tmp_path):
    with pytest.raises(CommandError, match="The first line must be exactly the header"):
        _import(tmp_path, GOOD)
    with schema_context("alpha"):
        assert not Customer.objects.filter(reference="IMP-1").exists()
