"""Identifiers apps know a customer by: MPAN-like meter point numbers (with the industry's
check digit), Octopus-style account numbers, GSP group letters of regions, tariff codes."""
import pytest
from django_tenants.utils import schema_context

from accounts.domain.regions import GSP_LETTERS, gsp_group, gsp_letter
from accounts.identifiers import mpan_check_digit, mpan_is_valid, new_account_number, new_mpan
from accounts.models import Account, MeterPoint
from api_compat.domain.codes import UnknownTariffCode, tariff_code, tariff_code_parse
from tests.conftest import host_client


def test_mpan_check_digit_of_published_mpans():
    # MPANs printed in Octopus's API documentation and in public client examples
    for published in ("2000024512368", "1030051828896", "1012477457919"):
        assert mpan_check_digit(published[:12]) == int(published[12])
        assert mpan_is_valid(published)
    assert not mpan_is_valid("2000024512369") and not mpan_is_valid("200002451236")


def test_new_numbers_have_the_right_form():
    mpans = {new_mpan() for _ in range(200)}
    assert len(mpans) == 200 and all(mpan_is_valid(m) for m in mpans)
    assert all(10 <= int(m[:2]) <= 23 for m in mpans)
    numbers = {new_account_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(len(n) == 10 and n.startswith("A-") and int(n[2:], 16) >= 0 for n in numbers)


def test_every_demo_meter_point_and_account_has_one(db):
    for schema in ("alpha", "beta"):
        with schema_context(schema):
            points = list(MeterPoint.objects.values_list("mpan", flat=True))
            assert points and all(mpan_is_valid(m) for m in points)
            accounts = list(Account.objects.values_list("public_number", flat=True))
            assert accounts and all(n.startswith("A-") for n in accounts)


def test_regions_as_gsp_groups():
    assert gsp_group("London") == "_C"
    assert gsp_letter("south-west england") == gsp_letter("South Western England") == "L"
    assert (gsp_letter("North"), gsp_letter("South")) == ("F", "H")
    # any other name: a letter of its own, the same every time
    assert gsp_letter("Atlantis") in GSP_LETTERS and gsp_letter("Atlantis") == \
        gsp_letter(" atlantis ")
    assert len(GSP_LETTERS) == 14 and "I" not in GSP_LETTERS and "O" not in GSP_LETTERS


def test_tariff_codes():
    assert tariff_code(product_code="ALPHA-FLEX", region="C") == "E-1R-ALPHA-FLEX-C"
    parsed = tariff_code_parse(code="E-2R-ALPHA-NIGHT-SAVER-P", product_code="ALPHA-NIGHT-SAVER")
    assert (parsed.registers, parsed.region) == ("2R", "P")
    for code in ("E-1R-ALPHA-FLEX-I", "E-1R-BETA-FLEX-C", "G-1R-ALPHA-FLEX-C", "ALPHA-FLEX"):
        with pytest.raises(UnknownTariffCode):
            tariff_code_parse(code=code, product_code="ALPHA-FLEX")


def test_the_account_page_and_the_admin_show_them(alice):
    with schema_context("alpha"):
        mpan = MeterPoint.objects.get(identifier="ALPHA-H-0001-MP1").mpan
        number = Account.objects.get(number="ALPHA-H-0001-A").public_number
    page = alice.get("/account/").content.decode()
    assert f"MPAN {mpan}" in page and f"for apps: {number}" in page
    staff = host_client("alpha.localhost")
    assert staff.post("/admin/login/?next=/admin/", {
        "username": "alpha-admin", "password": "gridline-demo"}).status_code == 302
    assert mpan in staff.get(f"/admin/accounts/meterpoint/?q={mpan}").content.decode()
    listed = staff.get("/admin/accounts/customerapikey/").content.decode()
    assert "sk_demo_alph" in listed and "key_hash" not in listed
