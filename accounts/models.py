"""Customers, their premises and meter points, billing accounts, contracts and the audit trail.

All of it lives in a retailer's schema. Integrity rules live here as constraints; the
domain functions in accounts/domain/ turn their violations into clear messages.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.identifiers import new_account_number, new_mpan
from core.models import ActivePeriodModel, no_overlap_per
from core.postgres import DateRange, PointRange  # noqa: F401 (named by migration 0001)


class CustomerKind(models.TextChoices):
    HOUSEHOLD = "HOUSEHOLD", "Household"
    ENTERPRISE = "ENTERPRISE", "Enterprise"


class Customer(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=12, choices=CustomerKind.choices)
    name = models.CharField(max_length=200)
    # Free-form marketing/pricing group, e.g. "residential", "sme", "industrial".
    segment = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CustomerKind.values), name="customer_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "segment"])]

    def __str__(self):
        return f"{self.name} ({self.reference})"


class CustomerUser(models.Model):
    """A portal login of a customer. An enterprise customer can have several."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_link"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="logins")

    def __str__(self):
        return f"{self.user} → {self.customer}"


class HeatingType(models.TextChoices):
    ELECTRIC = "ELECTRIC", "Electric resistance"
    HEAT_PUMP = "HEAT_PUMP", "Heat pump"
    GAS = "GAS", "Gas"
    OIL = "OIL", "Oil"
    DISTRICT = "DISTRICT", "District heating"
    NONE = "NONE", "None"
    OTHER = "OTHER", "Other"


class Premise(models.Model):
    """A supplied address, with the attributes peer comparison needs."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="premises")
    address_line = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=60)
    floor_area_m2 = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    occupants = models.PositiveSmallIntegerField(null=True, blank=True)
    heating_type = models.CharField(
        max_length=12, choices=HeatingType.choices, default=HeatingType.OTHER
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area_m2__isnull=True) | Q(floor_area_m2__gt=0),
                name="premise_floor_area_positive",
            ),
        ]

    def __str__(self):
        return f"{self.address_line}, {self.city}"


class MeterPoint(models.Model):
    """A supply point (an MPAN / metering point id); meters come and go, the point stays."""

    premise = models.ForeignKey(Premise, on_delete=models.PROTECT, related_name="meter_points")
    identifier = models.CharField(max_length=40, unique=True)
    # The 13-digit number Octopus-API clients know the point by (accounts/identifiers.py).
    mpan = models.CharField("MPAN", max_length=13, unique=True, default=new_mpan)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.identifier


class Account(models.Model):
    """A billing account: bills are addressed to it."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="accounts")
    number = models.CharField(max_length=40, unique=True)
    # The Octopus-style number (A-1B2C3D4E) customers' apps use (accounts/identifiers.py).
    public_number = models.CharField(max_length=12, unique=True, default=new_account_number)
    billing_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.number


class Settlement(models.TextChoices):
    MONTHLY = "MONTHLY", "Monthly"
    QUARTERLY = "QUARTERLY", "Quarterly"


class Payment(models.TextChoices):
    POSTPAY = "POSTPAY", "Postpay"
    PREPAY = "PREPAY", "Prepay"


class ContractStatus(models.TextChoices):
    PENDING = "PENDING", "Pending (signed, not started)"
    ACTIVE = "ACTIVE", "Active"
    ENDED = "ENDED", "Ended"
    CANCELLED = "CANCELLED", "Cancelled"


class Contract(ActivePeriodModel):
    """Supply of one meter point to one customer over `[active_from, active_to)`.

    `active_to` is exclusive; an open-ended contract has none. Every contract that is not
    cancelled holds its meter point for its period: the exclusion constraint makes two
    such contracts on one meter point with overlapping periods impossible.
    The tariff version says what the supply costs; contract_create checks the customer is
    eligible for its product.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contracts")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="contracts")
    meter_point = models.ForeignKey(
        MeterPoint, on_delete=models.PROTECT, related_name="contracts"
    )
    tariff_version = models.ForeignKey(
        "tariffs.TariffVersion", on_delete=models.PROTECT, null=True, blank=True,
        related_name="contracts",
    )
    settlement = models.CharField(
        max_length=10, choices=Settlement.choices, default=Settlement.MONTHLY
    )
    payment = models.CharField(max_length=8, choices=Payment.choices, default=Payment.POSTPAY)
    status = models.CharField(
        max_length=10, choices=ContractStatus.choices, default=ContractStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(ActivePeriodModel.Meta):
        constraints = [
            *ActivePeriodModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="contract_status_valid"
            ),
            no_overlap_per(
                "meter_point",
                name="contract_no_overlap_per_meter_point",
                condition=~Q(status=ContractStatus.CANCELLED),
                message=("This meter point already has a contract whose period overlaps "
                         "[active_from, active_to); end or cancel that contract first."),
            ),
        ]
        indexes = [models.Index(fields=["status", "active_from"])]

    def __str__(self):
        return f"{self.meter_point} {self.active_from}→{self.active_to or '…'}"


class AuditAction(models.TextChoices):
    READ = "READ", "Read"
    CREATE = "CREATE", "Create"
    CHANGE = "CHANGE", "Change"
    DELETE = "DELETE", "Delete"


class AuditChannel(models.TextChoices):
    PORTAL = "PORTAL", "Portal"
    ADMIN = "ADMIN", "Admin"
    API = "API", "Partner API"
    WEBSOCKET = "WEBSOCKET", "WebSocket"
    SYSTEM = "SYSTEM", "System (commands and tasks)"


class AuditEvent(models.Model):
    """Who read or changed a customer's personal data, when, and through which door.

    Append-only. The customer id is kept as a plain integer so the trail outlives the
    customer row.
    """

    at = models.DateTimeField()
    customer_id_value = models.BigIntegerField(db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_client_id = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    channel = models.CharField(max_length=10, choices=AuditChannel.choices)
    subject = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer_id_value", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} customer {self.customer_id_value}"


class Consent(models.Model):
    """A customer's consent for one partner (OAuth2 client) to read their meter data over
    `[granted_at, revoked_at)`. Revoking sets `revoked_at`; the row stays as a record."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    client_id = models.CharField(max_length=100)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("granted_at")),
                name="consent_period_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["customer", "client_id"])]

    def __str__(self):
        return f"{self.customer_id} → {self.client_id}"


class SwitchRequestStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    ACCEPTED = "ACCEPTED", "Accepted"
    DECLINED = "DECLINED", "Declined"


class SwitchRequestSource(models.TextChoices):
    PORTAL = "PORTAL", "Customer, in the portal"
    STAFF = "STAFF", "Staff"
    INSIGHTS = "INSIGHTS", "Savings advice"


class TariffSwitchRequest(models.Model):
    """A request to move a contract to another product: the customer asks in the portal
    (or advice suggests it); staff accept or decline it in the admin."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE,
                                 related_name="switch_requests")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE,
                                 related_name="switch_requests")
    requested_product = models.ForeignKey("tariffs.Product", on_delete=models.PROTECT,
                                          related_name="switch_requests")
    source = models.CharField(max_length=10, choices=SwitchRequestSource.choices)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=SwitchRequestStatus.choices,
                              default=SwitchRequestStatus.OPEN)
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "requested_product"],
                condition=Q(status="OPEN"), name="switch_request_one_open_per_product"),
            models.CheckConstraint(condition=Q(status__in=SwitchRequestStatus.values),
                                   name="switch_request_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.contract} → {self.requested_product_id} ({self.status})"


class ApplicationScopes(models.Model):
    """The API scopes staff granted a partner's OAuth application: its tokens carry no
    other (accounts/scopes.py). Space-separated, like a token's own `scope`."""

    application = models.OneToOneField(settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
                                       on_delete=models.CASCADE, related_name="granted")
    scopes = models.TextField(blank=True)

    class Meta:
        verbose_name = "granted scopes"
        verbose_name_plural = "granted scopes"

    def __str__(self):
        return self.scopes or "(none)"


class CustomerApiKey(models.Model):
    """A customer login's key for the Octopus-compatible API (HTTP Basic, the key as user
    name). Only its SHA-256 is stored; the key is shown once when made. Live over
    `[created_at, revoked_at)`; a login has at most one live key (making a new one revokes
    the old one in the same transaction)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="api_keys")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_keys")
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a customer can tell which key a page or the admin means.
    key_prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "customer API key"
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True),
                                    name="api_key_one_live_per_login"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="api_key_period_not_negative"),
        ]

    def __str__(self):
        return f"{self.key_prefix}… ({self.user})"
