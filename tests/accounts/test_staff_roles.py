"""Sales staff are not superusers: a group with what sales needs; platform internals
(OAuth applications, tokens, grants, users, groups) belong to the administrators."""
import pytest
from django_tenants.utils import schema_context

from accounts.domain.staff_roles import ADMINISTRATORS_GROUP, SALES_STAFF_GROUP
from accounts.users.models import User
from tests.conftest import login

INTERNALS = ["/admin/oauth2_provider/application/", "/admin/oauth2_provider/accesstoken/",
             "/admin/oauth2_provider/grant/", "/admin/auth/group/", "/admin/users/user/add/"]
SALES_PAGES = ["/admin/accounts/customer/", "/admin/accounts/contract/",
               "/admin/accounts/consent/add/", "/admin/tariffs/product/",
               "/admin/metering/meter/", "/admin/metering/ingestreport/upload/",
               "/admin/accounts/auditevent/"]


def test_the_staff_login_is_no_superuser_and_has_only_the_sales_group(db):
    with schema_context("alpha"):
        staff = User.objects.get(username="alpha-staff")
        assert (staff.is_superuser, staff.is_staff, staff.role) == (False, True, "STAFF")
        assert list(staff.groups.values_list("name", flat=True)) == [SALES_STAFF_GROUP]
        assert not staff.has_perm("oauth2_provider.view_application")
        assert not staff.has_perm("accounts.delete_customer")
        assert staff.has_perm("accounts.change_contract")


def test_staff_use_the_sales_pages_but_not_the_platform_internals(alpha):
    assert login(alpha, "alpha-staff").status_code == 302
    for page in SALES_PAGES:
        assert alpha.get(page).status_code == 200, page
    for page in INTERNALS:
        assert alpha.get(page).status_code == 403, page
    index = alpha.get("/admin/").content.decode()
    assert "Customers" in index and "Applications" not in index and "Access tokens" not in index


def test_the_administrator_sees_the_internals(alpha):
    with schema_context("alpha"):
        admin = User.objects.get(username="alpha-admin")
        assert (admin.is_superuser, admin.role) == (False, "ADMINISTRATOR")
        assert list(admin.groups.values_list("name", flat=True)) == [ADMINISTRATORS_GROUP]
    assert login(alpha, "alpha-admin").status_code == 302
    for page in INTERNALS + SALES_PAGES:
        assert alpha.get(page).status_code == 200, page


@pytest.mark.parametrize("slug", ["alpha", "beta"])
def test_every_schema_has_both_groups(db, slug):
    with schema_context(slug):
        from django.contrib.auth.models import Group
        names = set(Group.objects.values_list("name", flat=True))
        assert {SALES_STAFF_GROUP, ADMINISTRATORS_GROUP} <= names
