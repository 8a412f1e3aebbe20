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
    # Set at creation (tenants.domain.retailers.retailer_create). Every local-day decision
    # (rollup days, contract days, "today", billing periods) is made in this IANA zone; the
    # interfaces (views, tasks, commands) read it and pass it into the domain.
    time_zone = models.CharField(max_length=60, help_text="IANA zone, e.g. Europe/London")
    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. GBP")
    created_at = models.DateTimeField(auto_now_add=True)

    # The platform operator creates retailers through tenants.domain.retailer_create,
    # which creates the schema explicitly after the row is saved.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                                   name="retailer_currency_iso_4217"),
        ]

    def __str__(self):
        return f"{self.name} ({self.schema_name})"


class Domain(DomainMixin):
    """A host name routed to a retailer, e.g. alpha.localhost."""
