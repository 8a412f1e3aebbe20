from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Retailer(TenantMixin):
    """A retail electricity company: the tenant. Its data lives in schema `schema_name`."""

    name = models.CharField(max_length=200)
    # The retailer's colour in its portal and admin (header, buttons, chart series).
    brand_colour = models.CharField(
        max_length=7, default="#0b7a53",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour like #0b7a53.")],
        help_text="Header, buttons and chart colour, as #rrggbb.")
    created_at = models.DateTimeField(auto_now_add=True)

    # The platform operator creates retailers through tenants.domain.retailer_create,
    # which creates the schema explicitly after the row is saved.
    auto_create_schema = False
    auto_drop_schema = False

    def __str__(self):
        return f"{self.name} ({self.schema_name})"


class Domain(DomainMixin):
    """A host name routed to a retailer, e.g. alpha.localhost."""
