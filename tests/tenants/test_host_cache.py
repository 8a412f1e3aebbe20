"""Host → retailer comes from a per-process cache that a domain change clears at once."""
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.models import Domain, Retailer


def domain_queries(client, path="/login/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, sum("tenants_domain" in q["sql"] for q in queries.captured_queries)


def test_a_host_is_looked_up_once(alpha):
    domain_queries(alpha)
    assert domain_queries(alpha) == (200, 0)


def test_a_new_host_works_at_once_and_a_removed_one_stops(db):
    client = Client(HTTP_HOST="energy.alpha.localhost")
    assert domain_queries(client)[0] == 404  # unknown hosts are not cached
    retailer = Retailer.objects.get(schema_name="alpha")
    domain = Domain.objects.create(domain="energy.alpha.localhost", tenant=retailer,
                                   is_primary=False)
    assert domain_queries(client) == (200, 1)
    assert domain_queries(client) == (200, 0)
    domain.delete()
    assert domain_queries(client)[0] == 404
