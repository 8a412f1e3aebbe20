"""Answers of /v1/ field by field against the examples in Octopus Energy's REST API
documentation (developer.octopus.energy/docs/api): the same keys at every level, the same
JSON types, instants as ISO 8601 (rates in UTC with Z; consumption in local time with its
offset, Z in winter). The examples below are written from that documentation's field
lists with our own values; fields we do not serve are listed with the reason."""
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from api_compat.views import local_text
from tests.api_compat.conftest import ALICE_KEY, alice_account_number, basic
from tests.conftest import host_client

LINK = {"href": "https://example.invalid/v1/products/FLEX-1/", "method": "GET", "rel": "self"}
PRODUCT = {
    "code": "FLEX-1", "direction": "IMPORT", "full_name": "Flexible One",
    "display_name": "Flexible", "description": "A variable tariff.", "is_variable": True,
    "is_green": False, "is_tracker": False, "is_prepay": False, "is_business": False,
    "is_restricted": False, "term": None, "available_from": "2024-04-01T00:00:00Z",
    "available_to": None, "links": [LINK], "brand": "OCTOPUS_ENERGY",
}
PAGE = {"count": 1, "next": None, "previous": None}
SINGLE_REGISTER_TARIFF = {
    "code": "E-1R-FLEX-1-A", "standing_charge_exc_vat": 40.0, "standing_charge_inc_vat": 42.0,
    "online_discount_exc_vat": 0, "online_discount_inc_vat": 0,
    "dual_fuel_discount_exc_vat": 0, "dual_fuel_discount_inc_vat": 0,
    "exit_fees_exc_vat": 0, "exit_fees_inc_vat": 0, "exit_fees_type": "NONE",
    "links": [dict(LINK, rel="standing_charges"), dict(LINK, rel="standard_unit_rates")],
    "standard_unit_rate_exc_vat": 22.0, "standard_unit_rate_inc_vat": 23.1,
}
DUAL_REGISTER_TARIFF = {
    **{k: v for k, v in SINGLE_REGISTER_TARIFF.items() if not k.startswith("standard_unit")},
    "code": "E-2R-FLEX-1-A", "day_unit_rate_exc_vat": 25.0, "day_unit_rate_inc_vat": 26.25,
    "night_unit_rate_exc_vat": 9.0, "night_unit_rate_inc_vat": 9.45,
}
PRODUCT_DETAIL = {
    **{k: v for k, v in PRODUCT.items()}, "tariffs_active_at": "2026-03-01T00:00:00Z",
    "single_register_electricity_tariffs": {"_A": {"direct_debit_monthly":
                                                   SINGLE_REGISTER_TARIFF}},
    "dual_register_electricity_tariffs": {"_A": {"direct_debit_monthly":
                                                 DUAL_REGISTER_TARIFF}},
    "single_register_gas_tariffs": {}, "dual_register_gas_tariffs": {},
    # Documented, not served: quotes for sample annual consumptions (docs/api_compat.md).
    "sample_quotes": {}, "sample_consumption": {},
}
NOT_SERVED = {"sample_quotes", "sample_consumption"}
RATES = {**PAGE, "results": [{"value_exc_vat": 22.0, "value_inc_vat": 23.1,
                              "valid_from": "2026-03-01T00:00:00Z", "valid_to": None,
                              "payment_method": None}]}
METER_POINT = {"gsp": "_A", "mpan": "1000000000009", "profile_class": 1}
CONSUMPTION = {**PAGE, "results": [{"consumption": 0.25,
                                    "interval_start": "2026-01-14T00:00:00Z",
                                    "interval_end": "2026-01-14T00:30:00Z"}]}
ACCOUNT = {"number": "A-0000AAAA", "properties": [{
    "id": 1, "moved_in_at": "2026-01-01T00:00:00Z", "moved_out_at": None,
    "address_line_1": "1 High Street", "address_line_2": "", "address_line_3": "",
    "town": "Town", "county": "", "postcode": "AA1 1AA",
    "electricity_meter_points": [{
        "mpan": "1000000000009", "profile_class": 1, "consumption_standard": 2700,
        "meters": [{"serial_number": "19L0000000", "registers": [
            {"identifier": "1", "rate": "STANDARD", "is_settlement_register": True}]}],
        "agreements": [{"tariff_code": "E-1R-FLEX-1-A", "valid_from": "2026-01-01T00:00:00Z",
                        "valid_to": None}],
        "is_export": False}],
    "gas_meter_points": []}]}
# Fields that may be null, with their type otherwise (consumption_standard is null here
# where the documentation shows a number: we keep no estimate of annual usage).
NULLABLE = {"consumption_standard": "number", "valid_to": "string", "available_to": "string",
            "term": "number", "moved_out_at": "string", "payment_method": "string",
            "next": "string", "previous": "string", "standard_unit_rate_exc_vat": "number",
            "standard_unit_rate_inc_vat": "number"}
UTC_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LOCAL_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def same_shape(ours, documented, path="$") -> list[str]:
    """Where `ours` differs from `documented`: keys, types, list items (each of ours
    against the documented first item)."""
    problems = []
    if isinstance(documented, dict) and isinstance(ours, dict):
        if documented and all(k.startswith("_") for k in documented):  # GSP group keys
            documented = {k: next(iter(documented.values())) for k in ours}
        missing = set(documented) - set(ours) - NOT_SERVED
        extra = set(ours) - set(documented)
        problems += [f"{path}: missing {sorted(missing)}"] if missing else []
        problems += [f"{path}: extra {sorted(extra)}"] if extra else []
        for key in set(documented) & set(ours):
            problems += same_shape(ours[key], documented[key], f"{path}.{key}")
        return problems
    if isinstance(documented, list) and isinstance(ours, list):
        if documented:
            for index, item in enumerate(ours):
                problems += same_shape(item, documented[0], f"{path}[{index}]")
        return problems
    key = path.rsplit(".", 1)[-1].split("[")[0]
    if ours is None and key in NULLABLE:
        return []
    if key in NULLABLE:
        wanted = NULLABLE[key]
        return [] if json_type(ours) == wanted else [f"{path}: {ours!r} is not a {wanted}"]
    if json_type(ours) != json_type(documented):
        return [f"{path}: {json_type(ours)} where the documentation has "
                f"{json_type(documented)}"]
    if isinstance(ours, str) and key in ("valid_from", "valid_to", "available_from",
                                         "moved_in_at", "tariffs_active_at"):
        return [] if UTC_INSTANT.match(ours) else [f"{path}: {ours!r} not UTC with Z"]
    if isinstance(ours, str) and key in ("interval_start", "interval_end"):
        return [] if LOCAL_INSTANT.match(ours) else [f"{path}: {ours!r} not ISO 8601"]
    return []


def get(path, **headers):
    response = host_client("alpha.localhost").get(path, **headers)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_products_list_is_shaped_as_documented(db):
    body = get("/v1/products/")
    assert body["results"]
    assert same_shape(body, {**PAGE, "results": [PRODUCT]}) == []


def test_product_detail_is_shaped_as_documented(db):
    body = get("/v1/products/ALPHA-NIGHT-SAVER/?tariffs_active_at=2026-03-01T00:00:00Z")
    assert len(body["single_register_electricity_tariffs"]) == 14  # GSP groups _A … _P
    assert body["dual_register_electricity_tariffs"]["_F"]["direct_debit_monthly"]["code"] \
        == "E-2R-ALPHA-NIGHT-SAVER-F"
    assert same_shape(body, PRODUCT_DETAIL) == []
    spot = get("/v1/products/ALPHA-AGILE/?tariffs_active_at=2020-06-01T00:00:00Z")
    assert spot["single_register_electricity_tariffs"] == {}  # no version in force then
    spot = get("/v1/products/ALPHA-AGILE/")
    tariff = spot["single_register_electricity_tariffs"]["_F"]["direct_debit_monthly"]
    assert tariff["standing_charge_exc_vat"] == 45.0
    assert same_shape(spot, PRODUCT_DETAIL) == []
    flat = get("/v1/products/ALPHA-FLEX/")
    assert flat["dual_register_electricity_tariffs"] == {}  # one price all day
    assert same_shape(flat, PRODUCT_DETAIL) == []


def test_rates_are_shaped_as_documented(db):
    tariff = "/v1/products/ALPHA-NIGHT-SAVER/electricity-tariffs/"
    for path in (f"{tariff}E-1R-ALPHA-NIGHT-SAVER-F/standard-unit-rates/",
                 f"{tariff}E-1R-ALPHA-NIGHT-SAVER-F/standing-charges/",
                 f"{tariff}E-2R-ALPHA-NIGHT-SAVER-F/day-unit-rates/",
                 f"{tariff}E-2R-ALPHA-NIGHT-SAVER-F/night-unit-rates/"):
        body = get(f"{path}?period_from=2026-03-01T00:00:00Z&period_to=2026-03-02T00:00:00Z")
        assert body["results"], path
        assert same_shape(body, RATES) == [], path


def test_customer_endpoints_are_shaped_as_documented(alice_meter, db):
    mpan, serial, _ = alice_meter
    key = basic(ALICE_KEY)
    assert same_shape(get(f"/v1/electricity-meter-points/{mpan}/", **key), METER_POINT) == []
    consumption = get(f"/v1/electricity-meter-points/{mpan}/meters/{serial}/consumption/"
                      "?period_from=2026-01-14T00:00:00Z&period_to=2026-01-15T00:00:00Z", **key)
    assert consumption["count"] == 48
    assert same_shape(consumption, CONSUMPTION) == []
    account = get(f"/v1/accounts/{alice_account_number()}/", **key)
    assert account["properties"][0]["electricity_meter_points"][0]["meters"]
    assert same_shape(account, ACCOUNT) == []


def test_consumption_instants_carry_the_local_offset():
    london = ZoneInfo("Europe/London")
    assert local_text(datetime(2026, 7, 1, 11, tzinfo=UTC), london) == \
        "2026-07-01T12:00:00+01:00"
    assert local_text(datetime(2026, 1, 14, 11, tzinfo=UTC), london) == "2026-01-14T11:00:00Z"
