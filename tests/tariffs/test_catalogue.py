"""Products and versions in the database: overlaps, billed versions, eligibility."""
from datetime import date

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.domain.audit import Actor
from accounts.domain.contracts import UnableToCreateContract, contract_create
from accounts.domain.demo_tariffs import demo_products
from accounts.models import Account, Contract, Customer, MeterPoint, Premise
from tariffs.domain.catalogue import (
    CustomerNotEligible,
    TariffVersionBilled,
    TariffVersionsOverlap,
    tariff_version_check_editable,
    tariff_version_create,
    tariff_version_supersede,
)
from tariffs.domain.validation import InvalidTariffDefinition, UndefinedBand
from tariffs.models import Product, TariffVersion

FLAT = demo_products("alpha", time_zone="Europe/London")[0]["definition"]


@pytest.fixture
def product(db):
    with schema_context("alpha"):
        yield Product.objects.create(code="T-FLAT", name="Test flat",
                                     customer_kinds=["HOUSEHOLD"],
                                     available_from=date(2026, 1, 1))


def test_overlapping_versions_are_refused_and_nothing_saved(product):
    tariff_version_create(product=product, active_from=date(2026, 1, 1),
                          active_to=date(2026, 7, 1), definition=FLAT)
    with pytest.raises(TariffVersionsOverlap, match="T-FLAT already has a version"):
        tariff_version_create(product=product, active_from=date(2026, 6, 1), active_to=None,
                              definition=FLAT)
    assert TariffVersion.objects.filter(product=product).count() == 1


def test_supersede_ends_the_old_version_where_the_new_begins(product):
    first = tariff_version_create(product=product, active_from=date(2026, 1, 1),
                                  active_to=None, definition=FLAT)
    cheaper = dict(FLAT, unit_rates=[{"band": "standard", "tiers": [{"unit_price": "0.2"}]}])
    second = tariff_version_supersede(version=first, active_from=date(2026, 4, 1),
                                      definition=cheaper)
    first.refresh_from_db()
    assert (first.active_to, second.active_from, second.active_to) == (
        date(2026, 4, 1), date(2026, 4, 1), None)


def test_a_billed_version_is_never_edited(product):
    version = tariff_version_create(product=product, active_from=date(2026, 1, 1),
                                    active_to=None, definition=FLAT)
    version.first_billed_at = timezone.now()
    with pytest.raises(TariffVersionBilled, match="never edited"):
        tariff_version_check_editable(version=version)


def test_undefined_band_in_a_stored_definition_is_refused(product):
    broken = dict(FLAT, unit_rates=[{"band": "peak", "tiers": [{"unit_price": "0.3"}]}])
    with pytest.raises(UndefinedBand):
        tariff_version_create(product=product, active_from=date(2026, 1, 1), active_to=None,
                              definition=broken)
    assert not TariffVersion.objects.filter(product=product).exists()


def test_malformed_definition_names_the_bad_path(product):
    broken = dict(FLAT, standing_charge={"amount": "-1", "per": "day"})
    with pytest.raises(InvalidTariffDefinition, match="standing charge"):
        tariff_version_create(product=product, active_from=date(2026, 1, 1), active_to=None,
                              definition=broken)
    broken = dict(FLAT, unit_rates=[{"band": "standard", "tiers": [{"unit_price": 0.3}]}])
    with pytest.raises(InvalidTariffDefinition, match=r"unit_rates\[0\].tiers\[0\].unit_price"):
        tariff_version_create(product=product, active_from=date(2026, 1, 1), active_to=None,
                              definition=broken)


def _enterprise_only_version():
    product = Product.objects.get(code="ALPHA-BUSINESS")
    return product.versions.order_by("active_from").first()


def test_household_cannot_take_an_enterprise_only_product(db):
    with schema_context("alpha"):
        alice = Customer.objects.get(reference="ALPHA-H-0001")
        premise = Premise.objects.create(customer=alice, address_line="2 Road", city="Town",
                                         region="North")
        mp = MeterPoint.objects.create(premise=premise, identifier="ALPHA-H-0001-MP9")
        before = Contract.objects.count()
        with pytest.raises(CustomerNotEligible, match="offered to ENTERPRISE; this customer is "
                                                      "HOUSEHOLD"):
            contract_create(
                customer=alice, account=Account.objects.get(customer=alice), meter_point=mp,
                active_from=date(2026, 3, 1), active_to=None, settlement="MONTHLY",
                payment="POSTPAY", today=date(2026, 3, 1),
                tariff_version=_enterprise_only_version(),
                actor=Actor.system(at=timezone.now()),
            )
        assert Contract.objects.count() == before


def test_contract_must_start_while_its_version_is_in_force(db):
    with schema_context("alpha"):
        acme = Customer.objects.get(reference="ALPHA-E-0001")
        premise = acme.premises.order_by("pk").first()
        mp = MeterPoint.objects.create(premise=premise, identifier="ALPHA-E-0001-MP9")
        product = Product.objects.create(code="T-ENT", name="Ended",
                                         available_from=date(2026, 1, 1),
                                         customer_kinds=["ENTERPRISE"])
        spring = tariff_version_create(product=product, active_from=date(2026, 1, 1),
                                       active_to=date(2026, 6, 1), definition=FLAT)
        with pytest.raises(UnableToCreateContract, match="cannot use it"):
            contract_create(
                customer=acme, account=Account.objects.get(customer=acme), meter_point=mp,
                active_from=date(2026, 7, 1), active_to=None, settlement="QUARTERLY",
                payment="POSTPAY", today=date(2026, 3, 1), tariff_version=spring,
                actor=Actor.system(at=timezone.now()),
            )


def test_demo_contracts_carry_their_tariffs(db):
    with schema_context("alpha"):
        codes = set(Contract.objects.values_list("tariff_version__product__code", flat=True))
    assert codes == {"ALPHA-FLEX", "ALPHA-BUSINESS"}
    with schema_context("beta"):
        codes = set(Contract.objects.values_list("tariff_version__product__code", flat=True))
    assert codes == {"BETA-AGILE", "BETA-BUSINESS"}
