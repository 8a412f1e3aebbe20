"""What alice changes herself in the portal: contact details, partners' access to her
data (consent) and tariff switch requests; each through the domain, each audited; and
what staff then see and do in the admin."""
from html import unescape

from django_tenants.utils import schema_context

from accounts.models import AuditEvent, Consent, Customer, TariffSwitchRequest
from tests.conftest import host_client, login


def text(response) -> str:
    return unescape(response.content.decode())


def _alice():
    return Customer.objects.get(reference="ALPHA-H-0001")


def test_alice_changes_her_contact_details(alice):
    response = alice.post("/account/contact/", {"email": "alice@new.invalid",
                                                "phone": "+44 20 7946 0000"})
    assert response.status_code == 302
    with schema_context("alpha"):
        customer = _alice()
        assert (customer.contact_email, customer.contact_phone) == (
            "alice@new.invalid", "+44 20 7946 0000")
        event = AuditEvent.objects.filter(subject="customer.contact").latest("pk")
        assert event.detail == {"fields": ["contact_email", "contact_phone"]}
        assert (event.channel, event.actor_user.username) == ("PORTAL", "alice")


def test_a_bad_email_is_refused_and_nothing_changes(alice):
    response = alice.post("/account/contact/", {"email": "not-an-address", "phone": ""})
    assert response.status_code == 200
    assert "'not-an-address' is not an e-mail address." in text(response)
    with schema_context("alpha"):
        assert _alice().contact_email == "alice@example.invalid"


def test_alice_grants_and_revokes_a_partners_access(alice):
    page = alice.get("/account/sharing/").content.decode()
    assert "alpha demo partner" in page and 'data-testid="grant"' in page
    assert alice.post("/account/sharing/", {"client_id": "alpha-partner",
                                            "action": "grant"}).status_code == 302
    with schema_context("alpha"):
        live = Consent.objects.get(customer=_alice(), revoked_at__isnull=True)
        assert live.client_id == "alpha-partner"
    alice.post("/account/sharing/", {"client_id": "alpha-partner", "action": "revoke"})
    with schema_context("alpha"):
        live.refresh_from_db()
        assert live.revoked_at is not None
        subjects = list(AuditEvent.objects.filter(subject__startswith="consent.")
                        .order_by("pk").values_list("subject", flat=True))
        assert subjects[-2:] == ["consent.grant", "consent.revoke"]
    again = alice.post("/account/sharing/", {"client_id": "alpha-partner",
                                             "action": "revoke"}, follow=True)
    assert "'alpha-partner' has no access to revoke." in text(again)
    unknown = alice.post("/account/sharing/", {"client_id": "beta-partner",
                                               "action": "grant"}, follow=True)
    assert "There is no partner 'beta-partner' at this retailer." in text(unknown)


def _alice_contract_id():
    with schema_context("alpha"):
        return _alice().contracts.get().pk


def test_alice_asks_to_switch_and_staff_accept_it_in_the_admin(alice):
    contract_id = _alice_contract_id()
    form = alice.get(f"/account/contracts/{contract_id}/switch/").content.decode()
    assert "Alpha Night Saver" in form and "Alpha Business" not in form  # households only
    response = alice.post(f"/account/contracts/{contract_id}/switch/",
                          {"product": "ALPHA-NIGHT-SAVER", "reason": "I charge at night"})
    assert response.status_code == 302
    with schema_context("alpha"):
        request = TariffSwitchRequest.objects.get(contract_id=contract_id)
        assert (request.status, request.source, request.requested_product.code,
                request.reason) == ("OPEN", "PORTAL", "ALPHA-NIGHT-SAVER", "I charge at night")
        assert AuditEvent.objects.filter(subject="contract.switch_request").exists()
    account_page = alice.get("/account/").content.decode()
    assert "Alpha Night Saver" in account_page
    assert account_page.count("Tariff switch requests") == 1  # the section once, not twice
    twice = alice.post(f"/account/contracts/{contract_id}/switch/",
                       {"product": "ALPHA-NIGHT-SAVER"})
    assert "A request to move to Alpha Night Saver is already open." in text(twice)

    staff = host_client("alpha.localhost")
    assert login(staff, "alpha-staff").status_code == 302
    listing = staff.get("/admin/accounts/tariffswitchrequest/").content.decode()
    assert "Alpha Night Saver" in listing and "Alpha Flex" in listing
    staff.post("/admin/accounts/tariffswitchrequest/",
               {"action": "accept", "_selected_action": [request.pk]})
    with schema_context("alpha"):
        request.refresh_from_db()
        assert (request.status, request.decided_by.username) == ("ACCEPTED", "alpha-staff")


def test_a_product_not_offered_to_her_cannot_be_requested(alice):
    contract_id = _alice_contract_id()
    response = alice.post(f"/account/contracts/{contract_id}/switch/",
                          {"product": "ALPHA-BUSINESS"})
    assert "Choose one of the tariffs listed." in text(response)
    with schema_context("alpha"):
        assert not TariffSwitchRequest.objects.exists()


def test_bob_cannot_open_another_customers_contract(bob):
    with schema_context("beta"):
        globex = Customer.objects.get(reference="BETA-E-0001").contracts.order_by("pk").first()
    assert bob.get(f"/account/contracts/{globex.pk}/switch/").status_code == 404


def test_staff_record_a_consent_choosing_customer_and_partner_from_lists(alpha):
    assert login(alpha, "alpha-staff").status_code == 302
    form = alpha.get("/admin/accounts/consent/add/").content.decode()
    assert '<option value="alpha-partner"' in form  # the partner is a list
    assert "admin-autocomplete" in form  # the customer is searched, not typed as an id
    with schema_context("alpha"):
        alice_id = _alice().pk
    response = alpha.post("/admin/accounts/consent/add/", {"customer": alice_id,
                                                          "client_id": "alpha-partner"})
    assert response.status_code == 302, text(response)[:2000]
    with schema_context("alpha"):
        consent = Consent.objects.get(customer_id=alice_id, revoked_at__isnull=True)
        event = AuditEvent.objects.filter(subject="consent.grant").latest("pk")
        assert (event.channel, event.detail["consent"]) == ("ADMIN", consent.pk)
