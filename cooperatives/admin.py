"""Staff admin for cooperatives, read-only: cooperatives with their generators, the share
register, allocations on bills, rights lots and carried rights, costs, settlements,
distributions and the audit trail. Everything is written through cooperatives/services/
(shares, costs, dividends, settlements) and the billing seam (allocations, lots, carried
rights)."""
from django.contrib import admin

from cooperatives.models import (
    Allocation,
    CarriedRights,
    Cooperative,
    CooperativeCost,
    CooperativeEvent,
    DividendDistribution,
    Generator,
    PeriodSettlement,
    RightsLot,
    Shareholding,
)
from core.admin import ReadOnlyAdmin


@admin.register(Cooperative)
class CooperativeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "share_price", "generation_price", "allocation_method"]


@admin.register(Generator)
class GeneratorAdmin(ReadOnlyAdmin):
    list_display = ["name", "cooperative", "kind", "capacity_kw", "region", "export_meter"]
    list_filter = ["cooperative", "kind"]


@admin.register(Shareholding)
class ShareholdingAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "member", "shares", "active_from", "active_to"]
    list_filter = ["cooperative"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "member", "contract", "bill", "period_start", "kwh",
                    "right_kwh", "amount", "status"]
    list_filter = ["cooperative", "status"]
    exclude = ["detail"]


@admin.register(RightsLot)
class RightsLotAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "member", "period_start", "period_end", "right_kwh",
                    "expires_at"]
    list_filter = ["cooperative"]


@admin.register(CarriedRights)
class CarriedRightsAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "member", "contract", "bill", "period_start", "kwh",
                    "amount", "status"]
    list_filter = ["cooperative", "status"]
    exclude = ["detail"]


@admin.register(CooperativeCost)
class CostAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "period_start", "period_end", "description", "amount"]


@admin.register(PeriodSettlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "period_start", "generated_kwh", "allocated_kwh",
                    "surplus_kwh", "surplus_revenue"]


@admin.register(DividendDistribution)
class DistributionAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "year", "method", "amount", "status", "approved_at"]


@admin.register(CooperativeEvent)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "cooperative", "action", "channel", "actor_user"]
    list_filter = ["cooperative", "action"]
