from tests.billing.conftest import in_alpha  # noqa: F401 (the fixture)
