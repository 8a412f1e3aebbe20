"""The read-only admin pages of the cooperatives render for the retailer's administrator
and offer no add button."""
import pytest

from accounts.domain.demo import admin_username
from tests.conftest import login

PAGES = ["cooperative", "generator", "shareholding", "allocation", "rightslot",
         "carriedrights", "cooperativecost",
         "periodsettlement", "dividenddistribution", "cooperativeevent"]


@pytest.mark.parametrize("model", PAGES)
def test_changelists_render_read_only(alpha, model):
    assert login(alpha, admin_username("alpha")).status_code == 302
    page = alpha.get(f"/admin/cooperatives/{model}/")
    assert page.status_code == 200, model
    assert f"/admin/cooperatives/{model}/add/" not in page.content.decode()
