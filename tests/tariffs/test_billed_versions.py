"""A billed tariff version never changes: the domain says so on every path (admin
included) and the database refuses it even to straight SQL."""
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tariffs.domain.catalogue import (
    TariffVersionBilled,
    tariff_version_check_editable,
    tariff_version_supersede,
    tariff_versions_mark_billed,
)
from tariffs.domain.version_rows import version_document
from tariffs.models import TariffVersion, UnitRate
from tests.admin_forms import admin_post_data
from tests.isolation.test_tenant_isolation import login_admin


@pytest.fixture
def billed(db):
    """Alpha's flex version, stamped as billed (rolled back after the test)."""
    with schema_context("alpha"):
        version = TariffVersion.objects.select_related("product").get(
            product__code="ALPHA-FLEX")
        assert tariff_versions_mark_billed(version_ids=[version.pk], at=timezone.now()) == 1
        version.refresh_from_db()
        yield version


def test_marking_billed_stamps_once(billed):
    stamp = billed.first_billed_at
    assert tariff_versions_mark_billed(version_ids=[billed.pk], at=timezone.now()) == 0
    billed.refresh_from_db()
    assert billed.first_billed_at == stamp


def test_the_domain_refuses_editing_a_billed_version(billed):
    with pytest.raises(TariffVersionBilled, match="it is never edited. Clone it"):
        tariff_version_check_editable(version=billed)


def _refused(sql, params):
    with pytest.raises(IntegrityError, match="has billed"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_changing_a_billed_versions_components(billed):
    _refused("UPDATE tariffs_tariffversion SET vat_rate = 0.2 WHERE id = %s", [billed.pk])
    _refused("UPDATE tariffs_tariffversion SET first_billed_at = NULL WHERE id = %s",
             [billed.pk])
    _refused("UPDATE tariffs_unitrate SET unit_price = 0.01 WHERE version_id = %s",
             [billed.pk])
    _refused("DELETE FROM tariffs_unitrate WHERE version_id = %s", [billed.pk])
    _refused("INSERT INTO tariffs_levy (version_id, name, unit_price) VALUES (%s, 'x', 1)",
             [billed.pk])
    _refused("DELETE FROM tariffs_tariffversion WHERE id = %s", [billed.pk])
    stored = UnitRate.objects.get(version=billed)
    assert str(stored.unit_price) == "0.245000"


def test_superseding_still_ends_a_billed_version(billed):
    """Ending it is how prices change: active_to is the one thing that may move."""
    successor = tariff_version_supersede(version=billed, active_from=date(2027, 1, 1),
                                         definition=version_document(version=billed))
    billed.refresh_from_db()
    assert billed.active_to == date(2027, 1, 1) == successor.active_from


def test_an_unbilled_version_changes_freely(db):
    with schema_context("alpha"), connection.cursor() as cursor:
        cursor.execute("UPDATE tariffs_unitrate SET unit_price = 0.25 WHERE version_id = "
                       "(SELECT v.id FROM tariffs_tariffversion v JOIN tariffs_product p "
                       "ON p.id = v.product_id WHERE p.code = 'ALPHA-FLEX')")
        assert cursor.rowcount == 1


def test_the_admin_refuses_saving_a_version_billed_since_the_form_opened(alpha, db):
    assert login_admin(alpha, "alpha-staff").status_code == 302
    with schema_context("alpha"):
        version = TariffVersion.objects.get(product__code="ALPHA-FLEX")
    url = f"/admin/tariffs/tariffversion/{version.pk}/change/"
    data = admin_post_data(alpha.get(url))  # opened while not yet billed
    data["vat_rate"] = "0.2"
    with schema_context("alpha"):
        tariff_versions_mark_billed(version_ids=[version.pk], at=timezone.now())
    page = alpha.post(url, data, follow=True).content.decode()
    assert "Nothing was saved" in page and "has billed since" in page
    with schema_context("alpha"):
        version.refresh_from_db()
        assert str(version.vat_rate) == "0.0500"


def test_the_admin_offers_no_delete_for_a_billed_version(alpha, billed):
    assert login_admin(alpha, "alpha-staff").status_code == 302
    response = alpha.get(f"/admin/tariffs/tariffversion/{billed.pk}/delete/")
    assert response.status_code == 403
