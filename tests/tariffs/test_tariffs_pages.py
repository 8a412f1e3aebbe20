"""Portal offers, staff admin preview and clone, and the tariff commands."""
import json
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from tariffs.domain.version_rows import version_document
from tariffs.models import Product, TariffVersion
from tests.admin_forms import admin_post_data
from tests.conftest import login
from tests.isolation.test_tenant_isolation import login_admin
from tests.shared_data import shared_data


def test_alice_sees_household_offers_only(alice):
    page = alice.get("/tariffs/").content.decode()
    assert page.count('data-testid="offer"') == 3
    assert "Alpha Night Saver" in page and "Alpha Flex" in page and "Alpha Agile" in page
    assert "DA-NORTH market price × 0.00086 + 0.12 GBP/kWh, never below -0.05" in page
    assert "Alpha Business" not in page
    assert "100% renewable" in page
    assert "00:30-07:30" in page and "up to 200 kWh a bill" in page


def test_enterprise_users_see_the_business_offer(alpha):
    login(alpha, "carol")
    page = alpha.get("/tariffs/").content.decode()
    assert "Alpha Business" in page and "Alpha Flex" not in page


@pytest.fixture
def staff(alpha):
    assert login_admin(alpha, "alpha-staff").status_code == 302
    return alpha


def test_admin_version_page_previews_a_sample_month(staff):
    with schema_context("alpha"):
        version = TariffVersion.objects.get(product__code="ALPHA-NIGHT-SAVER")
    page = staff.get(f"/admin/tariffs/tariffversion/{version.pk}/change/").content.decode()
    assert "Total before / after tax" in page
    assert "night" in page and "standing" in page


def _version_page(staff, code):
    with schema_context("alpha"):
        version = TariffVersion.objects.get(product__code=code)
    url = f"/admin/tariffs/tariffversion/{version.pk}/change/"
    return version, url, staff.get(url)


def test_admin_edits_unit_rate_tiers_inline(staff):
    version, url, page = _version_page(staff, "ALPHA-NIGHT-SAVER")
    data = admin_post_data(page)
    rows = [k for k, v in data.items() if k.startswith("unit_rates-") and k.endswith("-tier")
            and str(v) == "2"]
    (tier_two,) = rows
    data[tier_two.replace("-tier", "-unit_price")] = "0.2999"
    response = staff.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context("alpha"):
        assert version.unit_rates.get(band="day", tier=2).unit_price == Decimal("0.2999")


def test_admin_refuses_a_unit_rate_for_an_undefined_band(staff):
    version, url, page = _version_page(staff, "ALPHA-FLEX")
    data = admin_post_data(page)
    data["unit_rates-0-band"] = "peak"  # the schedule only knows "standard"
    response = staff.post(url, data, follow=True)
    page = response.content.decode()
    assert "Nothing was saved" in page and "does not declare" in page
    with schema_context("alpha"):
        assert list(version.unit_rates.values_list("band", flat=True)) == ["standard"]


def test_admin_clone_makes_the_next_version(staff):
    with schema_context("alpha"):
        version = TariffVersion.objects.get(product__code="ALPHA-FLEX")
    response = staff.post("/admin/tariffs/tariffversion/", {
        "action": "clone_as_next_version", "_selected_action": [version.pk]})
    assert response.status_code == 302
    with schema_context("alpha"):
        versions = list(TariffVersion.objects.filter(product__code="ALPHA-FLEX")
                        .order_by("active_from"))
        assert len(versions) == 2
        assert versions[0].active_to == versions[1].active_from
        assert version_document(version=versions[1]) == version_document(version=versions[0])


def test_billed_version_is_read_only_in_admin(staff):
    with schema_context("alpha"):
        version = TariffVersion.objects.get(product__code="ALPHA-FLEX")
        version.first_billed_at = timezone.now()
        version.save(update_fields=["first_billed_at"])
    page = staff.get(f"/admin/tariffs/tariffversion/{version.pk}/change/").content.decode()
    assert 'name="unit_rates-0-unit_price"' not in page
    assert 'name="active_from"' not in page


def test_urdb_import_then_price_a_load_file(db, tmp_path):
    sam_tou = shared_data("sam-ssc-utilityrate5") / "residential_tou_rate_as_urdb.json"
    out = StringIO()
    call_command("tariff_import_urdb", str(sam_tou), schema="alpha", tz="America/Los_Angeles",
                 code="SAM-TOU", stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == "SAM-TOU"
    load = tmp_path / "load.csv"
    load.write_text("interval_start,kwh\n" + "".join(
        f"2026-01-05T{hour:02d}:00:00-08:00,1.0\n" for hour in range(24)))
    out = StringIO()
    call_command("tariff_price", schema="alpha", tariff="SAM-TOU", load=str(load), by="month",
                 stdout=out)
    result = json.loads(out.getvalue())
    (period,) = result["periods"]
    assert set(period) == {"start", "end", "lines", "total_exc_tax", "total_inc_tax"}
    assert {"kind", "band", "tier", "quantity", "unit_price", "amount"} <= set(period["lines"][0])
    energy_kwh = sum(float(line["quantity"]) for line in period["lines"]
                     if line["kind"] == "energy")
    assert energy_kwh == 24.0
    exported = StringIO()
    call_command("tariff_export_urdb", schema="alpha", tariff="SAM-TOU", stdout=exported,
                 stderr=StringIO())
    original = json.loads(sam_tou.read_text())
    assert json.loads(exported.getvalue())["energyweekdayschedule"] == \
        original["energyweekdayschedule"]
    with schema_context("alpha"):
        assert Product.objects.filter(code="SAM-TOU").exists()
    with schema_context("beta"):
        assert not Product.objects.filter(code="SAM-TOU").exists()


def test_commands_refuse_an_unknown_schema_and_product(db, tmp_path):
    load = tmp_path / "load.txt"
    load.write_text("1.0\n2.0\n")
    with pytest.raises(CommandError, match="No retailer with schema 'gamma'"):
        call_command("tariff_price", schema="gamma", tariff="X", load=str(load))
    with pytest.raises(CommandError, match="unknown_product"):
        call_command("tariff_price", schema="alpha", tariff="NOPE", load=str(load),
                     start=datetime(2026, 1, 1, tzinfo=UTC), interval=60)
    bad = tmp_path / "bad.csv"
    bad.write_text("2026-01-01T00:00:00+00:00,1\n2026-01-01T01:00:00+00:00,lots\n")
    with pytest.raises(CommandError, match="line 2: 'lots' is not a kWh number"):
        call_command("tariff_price", schema="alpha", tariff="ALPHA-FLEX", load=str(bad))


def test_admin_add_version_page_offers_every_component_inline(staff):
    page = staff.get("/admin/tariffs/tariffversion/add/").content.decode()
    for prefix in ("band_rules", "unit_rates", "demand_charges", "spot_rates", "export_rates",
                   "levies", "group_discounts"):
        assert f'id="{prefix}-group"' in page, prefix


def test_malformed_urdb_file_is_refused_and_nothing_saved(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({
        "name": "Broken", "energyratestructure": [[{"rate": 0.1}]],
        "energyweekdayschedule": [[0] * 24] * 11,  # 11 months, not 12
        "energyweekendschedule": [[0] * 24] * 12,
    }))
    with pytest.raises(CommandError, match="energyweekdayschedule"):
        call_command("tariff_import_urdb", str(broken), schema="alpha", tz="Europe/London",
                     code="BROKEN", stdout=StringIO(), stderr=StringIO())
    not_json = tmp_path / "not.json"
    not_json.write_text("{energyratestructure: ")
    with pytest.raises(CommandError):
        call_command("tariff_import_urdb", str(not_json), schema="alpha", tz="Europe/London",
                     code="BROKEN", stdout=StringIO(), stderr=StringIO())
    with schema_context("alpha"):
        assert not Product.objects.filter(code="BROKEN").exists()
