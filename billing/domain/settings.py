"""The retailer's billing terms (one row per schema), made with the defaults when first read."""
from billing.models import BillingSettings

DEFAULT_DUNNING_STEPS = [
    {"code": "REMINDER", "days": 7},
    {"code": "FINAL_NOTICE", "days": 21},
    {"code": "DISCONNECTION_WARNING", "days": 35},
]


def billing_settings_get() -> BillingSettings:
    settings, _ = BillingSettings.objects.get_or_create(
        pk=1, defaults={"dunning_steps": DEFAULT_DUNNING_STEPS})
    return settings
