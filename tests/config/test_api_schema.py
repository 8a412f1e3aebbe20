"""The OpenAPI schema describes the API as it answers (issue 9 item 7, issue 14 defect 7):
a client-credentials security scheme with the scopes, per operation the scope and every
4xx, limits, no generated enum names. (test_api_fuzz.py holds the API to it.)"""
import re

import pytest


@pytest.fixture
def schema(alpha):
    response = alpha.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_security_scheme_is_client_credentials_with_every_scope(schema):
    scheme = schema["components"]["securitySchemes"]["partner_oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/o/token/"
    assert set(flow["scopes"]) == {"customers:read", "contracts:read", "contracts:write",
                                   "readings:read", "readings:write", "cooperatives:read",
                                   "bills:read", "payments:write", "insights:read"}
    consumption = schema["paths"]["/api/v1/meters/{serial}/consumption/"]["get"]
    assert consumption["security"] == [{"partner_oauth2": ["readings:read"]}]
    insights = schema["paths"]["/api/v1/customers/{id}/insights/"]["get"]
    assert insights["security"] == [{"partner_oauth2": ["insights:read"]}]


def test_every_operation_lists_its_errors_in_the_error_shape(schema):
    operations = [(path, method, operation) for path, item in schema["paths"].items()
                  for method, operation in item.items()]
    assert len(operations) >= 10
    for path, method, operation in operations:
        assert {"400", "429"} <= set(operation["responses"]), (path, method)
        error = operation["responses"]["429"]["content"]["application/json"]["schema"]
        assert error["$ref"].endswith("/ErrorOut")
        if method == "post":
            assert "413" in operation["responses"], path
    readings = schema["paths"]["/api/v1/meters/{serial}/readings/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "413", "422", "429"} <= set(readings)
    contracts = schema["paths"]["/api/v1/contracts/"]["post"]["responses"]
    assert "409" in contracts


def test_limits_and_empty_values_are_in_the_schema(schema):
    batch = schema["components"]["schemas"]["ReadingBatchIn"]["properties"]["readings"]
    assert batch["maxItems"] == 50_000
    assert "5 MiB" in schema["info"]["description"]
    customers = schema["paths"]["/api/v1/customers/"]["get"]["parameters"]
    by_name = {parameter["name"]: parameter["schema"] for parameter in customers}
    assert by_name["created_after"]["minLength"] == 1
    assert by_name["page"] == {"type": "integer", "minimum": 1}
    consumption = schema["paths"]["/api/v1/meters/{serial}/consumption/"]["get"]
    period_to = next(p for p in consumption["parameters"] if p["name"] == "period_to")
    assert "must be after period_from" in period_to["description"]


def test_no_generated_enum_names(schema):
    names = list(schema["components"]["schemas"])
    assert "CustomerKindEnum" in names
    assert not [name for name in names if re.search(r"\d+Enum$", name)]


def test_the_billing_endpoints_are_described_with_their_scopes(schema):
    paths = schema["paths"]
    bills = paths["/api/v1/bills/"]["get"]
    assert bills["security"] == [{"partner_oauth2": ["bills:read"]}]
    assert {"account", "period", "status", "page"} <= {p["name"] for p in bills["parameters"]}
    pdf = paths["/api/v1/bills/{id}/pdf/"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"] and "404" in pdf
    assert "lines" in schema["components"]["schemas"]["BillDetailOut"]["properties"]
    ledger = paths["/api/v1/accounts/{id}/ledger/"]["get"]
    assert ledger["security"] == [{"partner_oauth2": ["bills:read"]}]
    payments = paths["/api/v1/payments/"]["post"]
    assert payments["security"] == [{"partner_oauth2": ["payments:write"]}]
    assert {"200", "201", "400", "404", "413"} <= set(payments["responses"])
