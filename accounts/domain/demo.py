"""The demo world `make run` shows: two retailers, their staff, customers and a partner.

Idempotent: running it again finds what exists and creates only what is missing.
The passwords and client secrets are public on purpose (printed by demo_credentials);
never run this against a production database.
"""
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string
from django_tenants.utils import schema_context
from oauth2_provider.models import get_application_model

from accounts.domain.api_keys import api_key_demo_ensure
from accounts.domain.audit import Actor
from accounts.domain.consents import consent_grant, consents_live
from accounts.domain.contracts import contract_create
from accounts.domain.demo_tariffs import DEMO_PRICES_FROM, demo_products
from accounts.domain.partners import api_scopes, granted_scopes, partner_scopes_set
from accounts.domain.staff_roles import staff_user_ensure
from accounts.models import (
    Account,
    AuditChannel,
    Customer,
    CustomerKind,
    CustomerUser,
    MeterPoint,
    Premise,
)
from accounts.users.models import Role
from core.ranges import local_date
from tariffs.domain.catalogue import tariff_version_create, version_active_on
from tariffs.models import Product
from tenants.domain.retailers import (
    platform_tenant_ensure,
    retailer_brand_set,
    retailer_create,
)
from tenants.models import Retailer

DEMO_PASSWORD = "gridline-demo"
OPERATOR_USERNAME = "operator"

DEMO_RETAILERS = {
    "alpha": {
        "name": "Alpha Energy",
        "colour": "#0b7a53",
        "time_zone": "Europe/London",
        "currency": "GBP",
        "household": ("alice", "Alice Archer", "residential", "North"),
        "household_product": "ALPHA-FLEX",
        "enterprise": (("carol", "dave"), "Acme Bakeries Ltd", "sme", "North"),
    },
    "beta": {
        "name": "Beta Power",
        "colour": "#1f5fbf",
        "time_zone": "Europe/London",
        "currency": "GBP",
        "household": ("bob", "Bob Baker", "residential", "South"),
        # bob is on the dynamic tariff: the live market page shows him his own price.
        "household_product": "BETA-AGILE",
        "enterprise": (("erin",), "Globex Foundry plc", "industrial", "South"),
    },
}


def staff_username(slug: str) -> str:
    # Distinct per retailer so a demo of isolation is not muddled by equal credentials.
    return f"{slug}-staff"


def admin_username(slug: str) -> str:
    return f"{slug}-admin"


def partner_client_id(slug: str) -> str:
    return f"{slug}-partner"


def partner_client_secret(slug: str) -> str:
    return f"{slug}-partner-secret-demo"


def demo_api_key(slug: str, username: str) -> str:
    """A demo customer login's key for the Octopus-compatible API (/v1/): public on
    purpose, like the demo passwords (demo_credentials prints it)."""
    return f"sk_demo_{slug}_{username}"


def retailer_host(slug: str, suffix: str) -> str:
    return f"{slug}.{suffix}"


def demo_seed(*, host_suffix: str, now: datetime) -> dict:
    """Create the platform host, the operator and both demo retailers with their data
    (each retailer's "today" is `now`'s date in its time zone)."""
    User = get_user_model()
    platform_tenant_ensure(host=host_suffix)
    if not User.objects.filter(username=OPERATOR_USERNAME).exists():
        User.objects.create_superuser(
            username=OPERATOR_USERNAME,
            email="operator@gridline.invalid",
            password=DEMO_PASSWORD,
            role=Role.OPERATOR,
        )
    created = []
    for slug, spec in DEMO_RETAILERS.items():
        if not Retailer.objects.filter(schema_name=slug).exists():
            retailer_create(
                slug=slug,
                name=spec["name"],
                host=retailer_host(slug, host_suffix),
                staff_username=admin_username(slug),
                staff_email=f"admin@{slug}.invalid",
                staff_password=DEMO_PASSWORD,
                time_zone=spec["time_zone"],
                currency=spec["currency"],
            )
            created.append(slug)
        retailer_brand_set(retailer=Retailer.objects.get(schema_name=slug),
                           colour=spec["colour"])
        with schema_context(slug):
            _seed_retailer(slug=slug, spec=spec, now=now)
            # Apps above accounts add their demo data (the cooperatives) through settings.
            for path in getattr(settings, "GRIDLINE_DEMO_SEED_EXTRAS", ()):
                import_string(path)(slug=slug, time_zone=spec["time_zone"], now=now)
    return {"created": created, "retailers": list(DEMO_RETAILERS)}


def _seed_products(*, slug: str, time_zone: str, currency: str) -> None:
    for spec in demo_products(slug, time_zone=time_zone):
        spec = dict(spec)
        definition = spec.pop("definition")
        product, created = Product.objects.get_or_create(
            code=spec.pop("code"), defaults={**spec, "available_from": DEMO_PRICES_FROM},
        )
        if created:
            tariff_version_create(product=product, active_from=DEMO_PRICES_FROM,
                                  active_to=None, definition=definition, currency=currency)


def _seed_retailer(*, slug: str, spec: dict, now: datetime) -> None:
    # The administrator holds the platform internals; sales staff only what sales needs.
    # Idempotent, and it also demotes a staff login that older seeds made a superuser.
    staff_user_ensure(username=admin_username(slug), email=f"admin@{slug}.invalid",
                      password=DEMO_PASSWORD, role="ADMINISTRATOR")
    staff_user_ensure(username=staff_username(slug), email=f"staff@{slug}.invalid",
                      password=DEMO_PASSWORD, role="STAFF")
    _seed_products(slug=slug, time_zone=spec["time_zone"], currency=spec["currency"])
    today = local_date(now, spec["time_zone"])
    actor = Actor.system(at=now)
    username, name, segment, region = spec["household"]
    household = _customer(
        reference=f"{slug.upper()}-H-0001", kind=CustomerKind.HOUSEHOLD, name=name,
        segment=segment, logins=(username,), slug=slug, actor=actor,
    )
    _premise_with_contract(
        customer=household, index=1, slug=slug, region=region,
        floor_area=Decimal("84.0"), occupants=3, heating="HEAT_PUMP", today=today,
        product=Product.objects.get(code=spec["household_product"]), actor=actor,
    )
    logins, name, segment, region = spec["enterprise"]
    enterprise = _customer(
        reference=f"{slug.upper()}-E-0001", kind=CustomerKind.ENTERPRISE, name=name,
        segment=segment, logins=logins, slug=slug, actor=actor,
    )
    for index in (1, 2):
        _premise_with_contract(
            customer=enterprise, index=index, slug=slug, region=region,
            floor_area=Decimal("1200.0") * index, occupants=None, heating="GAS", today=today,
            product=Product.objects.get(code=f"{slug.upper()}-BUSINESS"), actor=actor,
        )
    _partner(slug=slug)
    _partner_consent(customer=enterprise, slug=slug, at=now)


def _partner_consent(*, customer: Customer, slug: str, at: datetime) -> None:
    """The demo partner may read the enterprise customer's meters (so the API example
    works); the household customer has given no consent (so the refusal can be seen)."""
    if not consents_live(customer=customer, at=at).filter(
            client_id=partner_client_id(slug)).exists():
        consent_grant(customer=customer, client_id=partner_client_id(slug), at=at,
                      channel=AuditChannel.ADMIN)


def _customer(*, reference, kind, name, segment, logins, slug, actor) -> Customer:
    User = get_user_model()
    customer, _ = Customer.objects.get_or_create(
        reference=reference,
        defaults={
            "kind": kind, "name": name, "segment": segment,
            "contact_email": f"{logins[0]}@example.invalid",
        },
    )
    for username in logins:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, role=Role.CUSTOMER,
                email=f"{username}@example.invalid",
            )
        CustomerUser.objects.get_or_create(user=user, defaults={"customer": customer})
        api_key_demo_ensure(customer=customer, user=user, key=demo_api_key(slug, username),
                            actor=actor)
    return customer


def _premise_with_contract(*, customer, index, slug, region, floor_area, occupants, heating,
                           today, product, actor):
    identifier = f"{customer.reference}-MP{index}"
    if MeterPoint.objects.filter(identifier=identifier).exists():
        return
    premise = Premise.objects.create(
        customer=customer, address_line=f"{index} {customer.name.split()[0]} Street",
        city=f"{slug.title()}ville", postcode=f"{slug[:2].upper()}{index} 1AA", region=region,
        floor_area_m2=floor_area, occupants=occupants, heating_type=heating,
    )
    meter_point = MeterPoint.objects.create(premise=premise, identifier=identifier)
    account, _ = Account.objects.get_or_create(
        number=f"{customer.reference}-A", defaults={"customer": customer}
    )
    start = date(today.year, 1, 1)
    contract_create(
        customer=customer, account=account, meter_point=meter_point,
        active_from=start, active_to=None,
        tariff_version=version_active_on(product=product, on=start),
        settlement="QUARTERLY" if customer.kind == CustomerKind.ENTERPRISE else "MONTHLY",
        payment="POSTPAY", today=today, actor=actor,
    )


def _partner(*, slug: str) -> None:
    User = get_user_model()
    Application = get_application_model()
    user = User.objects.filter(username="partner").first()
    if user is None:
        user = User.objects.create_user(username="partner", role=Role.PARTNER)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    application = Application.objects.filter(client_id=partner_client_id(slug)).first()
    if application is None:
        application = Application.objects.create(
            name=f"{slug} demo partner",
            user=user,
            client_id=partner_client_id(slug),
            client_secret=partner_client_secret(slug),
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        )
    if not granted_scopes(application=application):
        partner_scopes_set(application=application, scopes=list(api_scopes()))


def demo_credentials(*, host_suffix: str, port: int) -> dict:
    """What a newcomer or a script needs to log in: per retailer, its URLs and logins."""
    result = {
        "platform": {
            "url": f"http://{host_suffix}:{port}/",
            "admin": f"http://{host_suffix}:{port}/admin/",
            "operator": {"username": OPERATOR_USERNAME, "password": DEMO_PASSWORD},
        }
    }
    for slug, spec in DEMO_RETAILERS.items():
        base = f"http://{retailer_host(slug, host_suffix)}:{port}"
        household_login = spec["household"][0]
        enterprise_logins = spec["enterprise"][0]
        result[slug] = {
            "name": spec["name"],
            "url": f"{base}/",
            "admin": f"{base}/admin/",
            "api": f"{base}/api/v1/",
            "staff": {"username": staff_username(slug), "password": DEMO_PASSWORD,
                      "role": "Sales staff"},
            "administrator": {"username": admin_username(slug), "password": DEMO_PASSWORD,
                              "role": "Administrators"},
            "customers": [
                {"username": household_login, "password": DEMO_PASSWORD, "kind": "HOUSEHOLD",
                 "api_key": demo_api_key(slug, household_login)},
                *(
                    {"username": login, "password": DEMO_PASSWORD, "kind": "ENTERPRISE",
                     "api_key": demo_api_key(slug, login)}
                    for login in enterprise_logins
                ),
            ],
            "partner": {
                "token_url": f"{base}/o/token/",
                "grant_type": "client_credentials",
                "client_id": partner_client_id(slug),
                "client_secret": partner_client_secret(slug),
                # Every scope the retailer's partners may ask for; reading consumption
                # also needs the customer's consent (seeded for the enterprise customer).
                "scopes": " ".join(api_scopes()),
                "consent": {"customer": spec["enterprise"][1],
                            "meter_points": [f"{slug.upper()}-E-0001-MP1",
                                             f"{slug.upper()}-E-0001-MP2"]},
            },
        }
        # What apps above accounts add (settings.DEMO_CREDENTIALS_EXTRAS: key → function of
        # slug and base URL), e.g. the Octopus-compatible API's identifiers.
        for key, path in settings.DEMO_CREDENTIALS_EXTRAS.items():
            with schema_context(slug):
                result[slug][key] = import_string(path)(slug=slug, base_url=base)
    return result
