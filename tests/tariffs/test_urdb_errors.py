"""Malformed URDB JSON is refused with a UrdbImportError that names what is wrong."""
import pytest

from tariffs.domain import urdb_to_tariff
from tariffs.domain.urdb import UrdbImportError

from .urdb_fixtures import small_rate


def broken(change) -> dict:
    rate = small_rate()
    change(rate)
    return rate


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["energyweekdayschedule"][6].__setitem__(15, 2),
         r"energyweekdayschedule\[6\]\[15\] refers to period 2, but energyratestructure "
         r"defines 2 periods \(0-1\)"),
        (lambda r: r["energyweekendschedule"].pop(),
         "energyweekendschedule must be a 12x24 matrix.*got 11 rows"),
        (lambda r: r["demandweekdayschedule"][3].pop(),
         r"row 3 \(month 4\) has 23 entries"),
        (lambda r: r["energyweekdayschedule"][0].__setitem__(0, 0.5),
         "must be a whole period index, got 0.5"),
        (lambda r: r["energyratestructure"][1][0].__setitem__("max", 600) or
         r["energyratestructure"][1][1].__setitem__("max", 400),
         r"energyratestructure\[1\]\[1\].max 400 must be positive and above the previous "
         r"tier's max \(600\): tiers must ascend"),
        (lambda r: r["energyratestructure"][1][0].pop("max"),
         r"energyratestructure\[1\]\[0\] has no max but is not the last tier"),
        (lambda r: r.pop("energyweekendschedule"),
         "energyratestructure is given but energyweekendschedule is missing"),
        (lambda r: r["flatdemandmonths"].__setitem__(4, 7),
         r"flatdemandmonths\[4\] refers to period 7"),
        (lambda r: r.__setitem__("fixedchargeunits", "$/year"),
         r"fixedchargeunits '\$/year' is not supported"),
        (lambda r: r.__setitem__("fixedchargefirstmeter", -3),
         "fixedchargefirstmeter must not be negative"),
        (lambda r: r["energyratestructure"][0][0].__setitem__("rate", "0.12"),
         r"energyratestructure\[0\]\[0\].rate must be a number, got '0.12'"),
        (lambda r: r["energyratestructure"][0][0].__setitem__("unit", "kWh/kW"),
         r"energyratestructure\[0\]\[0\].unit 'kWh/kW' is not supported"),
        (lambda r: r.__setitem__("energyratestructure", []),
         "energyratestructure must be a non-empty list of periods"),
        (lambda r: r.pop("flatdemandmonths"),
         "flatdemandstructure and flatdemandmonths must be given together"),
        (lambda r: r.__setitem__("demandrateunit", "kVA"), "demandrateunit 'kVA'"),
    ],
)
def test_malformed_rates_name_the_field(change, message):
    with pytest.raises(UrdbImportError, match=message):
        urdb_to_tariff(urdb=broken(change), time_zone="UTC")


@pytest.mark.parametrize(
    ("urdb", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"items": [small_rate(), small_rate()]}, "holds 2 items; pass exactly one rate"),
        ([small_rate()], "must be a JSON object, got list"),
    ],
)
def test_documents_that_are_not_one_rate(urdb, message):
    with pytest.raises(UrdbImportError, match=message):
        urdb_to_tariff(urdb=urdb, time_zone="UTC")


def test_the_error_code_is_stable_for_the_api():
    with pytest.raises(UrdbImportError) as caught:
        urdb_to_tariff(urdb="[", time_zone="UTC")
    assert caught.value.code == "urdb_invalid"
