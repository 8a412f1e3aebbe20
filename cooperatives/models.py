"""Cooperatives, their generators, members' shares, allocations on bills, costs, period
results and dividends. All of it lives in a retailer's schema (a tenant app).

Integrity lives here as constraints; cooperatives/services/ (the ORM side of the domain)
turns their violations into messages, and cooperatives/domain/ (pure) does the arithmetic.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from core.models import ActivePeriodModel

MONEY = {"max_digits": 14, "decimal_places": 2}
KWH = {"max_digits": 18, "decimal_places": 6}


class AllocationMethod(models.TextChoices):
    SHARES = "SHARES", "By active shares per interval"
    COEFFICIENTS = "COEFFICIENTS", "Fixed coefficients per member"


class Cooperative(models.Model):
    """A community energy cooperative hosted by the retailer.

    `kwh_per_share_year` is an estimate shown to members; the allocation itself follows the
    metered output. `rights_carry_months` is the expiry rule of unused rights (0: they are
    surplus, sold at spot, in their own period; N: a member's unused rights of a billing
    period become a RightsLot their bills may draw on for N months, oldest first).
    `spot_instrument` is the market instrument (zone price) the surplus is sold at."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    share_price = models.DecimalField(**MONEY)
    kwh_per_share_year = models.DecimalField(max_digits=12, decimal_places=3)
    generation_price = models.DecimalField(max_digits=10, decimal_places=6,
                                           help_text="Price per kWh of allocated generation.")
    allocation_method = models.CharField(max_length=12, choices=AllocationMethod.choices,
                                         default=AllocationMethod.SHARES)
    rights_carry_months = models.PositiveSmallIntegerField(default=0)
    max_shares_per_member = models.PositiveIntegerField(default=100)
    spot_instrument = models.CharField(max_length=40, blank=True)
    # The instrument's price unit to money per kWh (0.001: per MWh to per kWh).
    spot_multiplier = models.DecimalField(max_digits=12, decimal_places=8, default="0.001")
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                      related_name="managed_cooperatives")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(share_price__gt=0),
                                   name="cooperative_share_price_positive"),
            models.CheckConstraint(condition=Q(generation_price__gte=0),
                                   name="cooperative_generation_price_not_negative"),
            models.CheckConstraint(condition=Q(allocation_method__in=AllocationMethod.values),
                                   name="cooperative_allocation_method_valid"),
            models.CheckConstraint(condition=Q(max_shares_per_member__gt=0),
                                   name="cooperative_max_shares_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class GeneratorKind(models.TextChoices):
    PV = "PV", "Solar PV"
    WIND = "WIND", "Wind"
    HYDRO = "HYDRO", "Hydro"


class Generator(models.Model):
    """A plant of a cooperative, metered by its own EXPORT meter.

    `kwh_per_kw_by_month`: the expected yield, 12 numbers (January first) in kWh per kW of
    capacity (cooperatives.domain.expectations spreads them over the month's hours)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="generators")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=5, choices=GeneratorKind.choices)
    capacity_kw = models.DecimalField(max_digits=12, decimal_places=3)
    region = models.CharField(max_length=60)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    commissioning_date = models.DateField()
    export_meter = models.OneToOneField("metering.Meter", on_delete=models.PROTECT,
                                        related_name="generator")
    kwh_per_kw_by_month = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=GeneratorKind.values),
                                   name="generator_kind_valid"),
            models.CheckConstraint(condition=Q(capacity_kw__gt=0),
                                   name="generator_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}, {self.capacity_kw} kW)"


class Shareholding(ActivePeriodModel):
    """`shares` held by a member over `[active_from, active_to)` (local dates). Buying more
    is a second holding; redeeming ends holdings (services/shares.py). A member's total
    at any date stays within the cooperative's `max_shares_per_member` (checked under a
    lock of the cooperative row)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="holdings")
    member = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT,
                               related_name="shareholdings")
    shares = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta(ActivePeriodModel.Meta):
        constraints = [
            *ActivePeriodModel.Meta.constraints,
            models.CheckConstraint(condition=Q(shares__gt=0), name="shareholding_shares_positive"),
        ]
        indexes = [models.Index(fields=["cooperative", "member"])]

    def __str__(self):
        return f"{self.member_id}: {self.shares} from {self.active_from}"


class MemberCoefficient(models.Model):
    """A member's fixed coefficient (six decimals) for cooperatives allocating by
    coefficients; the pure layer checks they sum to exactly 1."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE,
                                    related_name="coefficients")
    member = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    coefficient = models.DecimalField(max_digits=7, decimal_places=6)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member"],
                                    name="coefficient_one_per_member"),
            models.CheckConstraint(condition=Q(coefficient__gte=0) & Q(coefficient__lte=1),
                                   name="coefficient_between_0_and_1"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.coefficient}"


class ContractPriority(models.Model):
    """The order a member wants their rights to go to their contracts (lower first);
    contracts without one come after, highest consumption first."""

    contract = models.OneToOneField("accounts.Contract", on_delete=models.CASCADE,
                                    related_name="coop_priority")
    priority = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"contract {self.contract_id}: {self.priority}"


class AllocationStatus(models.TextChoices):
    LIVE = "LIVE", "On a live bill"
    RETURNED = "RETURNED", "Returned (the bill was cancelled)"


class GenerationOnBill(models.Model):
    """What a member contract's bill got from a cooperative for its period: kWh on a line at
    a price, the per-interval detail (`detail`: the µkWh of every interval from
    `first_interval_at` on, int64 little-endian, zlib-compressed), LIVE until the bill is
    cancelled (RETURNED)."""

    member = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("accounts.Contract", on_delete=models.PROTECT,
                                 related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    kwh = models.DecimalField(**KWH)
    unit_price = models.DecimalField(max_digits=10, decimal_places=6)
    amount = models.DecimalField(**MONEY)
    first_interval_at = models.DateTimeField()
    interval_minutes = models.PositiveSmallIntegerField()
    detail = models.BinaryField()
    status = models.CharField(max_length=8, choices=AllocationStatus.choices,
                              default=AllocationStatus.LIVE)
    created_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Allocation(GenerationOnBill):
    """Generation allocated to one member contract for one billing period, on one bill.

    `detail` holds the allocated µkWh of every interval from `first_interval_at` on
    (int64 little-endian, zlib-compressed): the hourly detail, exactly. Cancelling the bill
    returns the allocation (RETURNED); the replacement bill re-allocates. One LIVE
    allocation per contract, cooperative and period (a unique index), so re-running a
    period never allocates twice."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="allocations")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT,
                             related_name="coop_allocations")
    right_kwh = models.DecimalField(**KWH)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "cooperative", "period_start", "period_end"],
                condition=Q(status=AllocationStatus.LIVE),
                name="allocation_one_live_per_contract_period"),
            models.CheckConstraint(condition=Q(kwh__gte=0) & Q(kwh__lte=models.F("right_kwh")),
                                   name="allocation_within_right"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                   name="allocation_period_not_empty"),
            models.CheckConstraint(condition=Q(status__in=AllocationStatus.values),
                                   name="allocation_status_valid"),
        ]
        indexes = [models.Index(fields=["cooperative", "period_start"])]

    def __str__(self):
        return f"{self.contract_id} {self.period_start}: {self.kwh} kWh"


class RightsLot(models.Model):
    """A member's rights of one billing period, kept for later periods when the cooperative
    carries rights (`rights_carry_months` > 0; with 0 no lot is written).

    The lot stores the member's *right* for the period; what it still holds is a sum, never
    a stored number: right − the member's LIVE allocations of the period (the rights used
    in their own intervals) − the LIVE carried draws of later bills (`CarriedDraw`).
    Usable by bills whose period starts at or after `period_end` and before `expires_at`
    (`period_end` + N calendar months, local midnight); what is left at `expires_at` has
    expired (reported by `coop_allocate` and the dashboard). One lot per cooperative,
    member and period (a unique index: billing the period again writes it again, same row).
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="rights_lots")
    member = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    right_kwh = models.DecimalField(**KWH)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "member", "period_start",
                                            "period_end"], name="rights_lot_one_per_period"),
            models.CheckConstraint(condition=Q(right_kwh__gte=0),
                                   name="rights_lot_right_not_negative"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                   name="rights_lot_period_not_empty"),
        ]
        indexes = [models.Index(fields=["cooperative", "member", "expires_at"])]

    def __str__(self):
        return f"{self.member_id} {self.period_start}: {self.right_kwh} kWh"


class CarriedRights(GenerationOnBill):
    """Rights carried from earlier periods drawn by one member contract's bill: the bill's
    "Community generation (carried)" line. `detail` is the µkWh placed on each interval
    (as Allocation.detail); `draws` say which lots gave them. One LIVE row per contract,
    cooperative and period (a unique index, as for allocations); cancelling the bill
    RETURNS it, which gives its kWh back to the lots."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="carried")
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT,
                             related_name="coop_carried")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "cooperative", "period_start", "period_end"],
                condition=Q(status=AllocationStatus.LIVE),
                name="carried_one_live_per_contract_period"),
            models.CheckConstraint(condition=Q(kwh__gt=0), name="carried_kwh_positive"),
            models.CheckConstraint(condition=Q(status__in=AllocationStatus.values),
                                   name="carried_status_valid"),
        ]
        indexes = [models.Index(fields=["cooperative", "period_start"])]

    def __str__(self):
        return f"{self.contract_id} {self.period_start}: {self.kwh} kWh carried"


class CarriedDraw(models.Model):
    """The kWh one lot gave to one CarriedRights row (it counts while that row is LIVE)."""

    carried = models.ForeignKey(CarriedRights, on_delete=models.PROTECT, related_name="draws")
    lot = models.ForeignKey(RightsLot, on_delete=models.PROTECT, related_name="draws")
    kwh = models.DecimalField(**KWH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["carried", "lot"], name="carried_draw_one_per_lot"),
            models.CheckConstraint(condition=Q(kwh__gt=0), name="carried_draw_kwh_positive"),
        ]

    def __str__(self):
        return f"lot {self.lot_id} -> {self.carried_id}: {self.kwh} kWh"


class CooperativeCost(models.Model):
    """A cost of a period entered by a manager (maintenance, lease, insurance)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="costs")
    period_start = models.DateField()
    period_end = models.DateField()
    description = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                   name="cost_period_not_empty"),
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"


class PeriodSettlement(models.Model):
    """What a period's output became: allocated to members, and the surplus sold at the
    zone's spot price (cooperative revenue). Written by `coop_allocate`; re-settling a
    period replaces its row (it is a derived figure, the bills and readings are the truth)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="settlements")
    period_start = models.DateField()
    period_end = models.DateField()
    generated_kwh = models.DecimalField(**KWH)
    allocated_kwh = models.DecimalField(**KWH)
    surplus_kwh = models.DecimalField(**KWH)
    surplus_revenue = models.DecimalField(**MONEY)
    settled_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "period_start", "period_end"],
                                    name="settlement_one_per_period"),
            models.CheckConstraint(
                condition=Q(generated_kwh=models.F("allocated_kwh") + models.F("surplus_kwh")),
                name="settlement_energy_balances"),
        ]

    def __str__(self):
        return f"{self.cooperative_id} {self.period_start}"


class DividendStatus(models.TextChoices):
    PROPOSED = "PROPOSED", "Proposed"
    APPROVED = "APPROVED", "Approved (credited)"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class DividendDistribution(models.Model):
    """A year's distribution: proposed by a manager, approved once; approval credits each
    member's ledger (DividendCredit rows, which sum to `amount` to the cent)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="distributions")
    year = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=12)  # domain.DividendMethod: share_days, interest
    rate = models.DecimalField(max_digits=7, decimal_places=5, null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=DividendStatus.choices,
                              default=DividendStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"],
                condition=~Q(status=DividendStatus.WITHDRAWN),
                name="dividend_one_live_per_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dividend_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=DividendStatus.values),
                                   name="dividend_status_valid"),
        ]

    def __str__(self):
        return f"{self.cooperative_id} {self.year}: {self.amount} ({self.status})"


class DividendCredit(models.Model):
    """One member's part of a distribution: their statement, and the ledger account
    credited."""

    distribution = models.ForeignKey(DividendDistribution, on_delete=models.PROTECT,
                                     related_name="credits")
    member = models.ForeignKey("accounts.Customer", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)
    share_days = models.BigIntegerField()
    average_shares = models.DecimalField(max_digits=14, decimal_places=4)
    exact_amount = models.DecimalField(max_digits=18, decimal_places=6)
    amount = models.DecimalField(**MONEY)
    got_remainder_cent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["distribution", "member"],
                                    name="dividend_credit_one_per_member"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.amount}"


class CooperativeEvent(models.Model):
    """The cooperative's audit trail: every write through services/, who, when, what.
    Append-only."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT,
                                    related_name="events")
    at = models.DateTimeField()
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10)
    action = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["cooperative", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

