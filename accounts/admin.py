"""The retailer's admin for sales staff: customers, premises, meter points, contracts."""
from django.contrib import admin
from django.utils import timezone

from accounts.domain.audit import audit_record
from accounts.models import (
    Account,
    AuditAction,
    AuditChannel,
    AuditEvent,
    Consent,
    Contract,
    Customer,
    CustomerUser,
    MeterPoint,
    Premise,
)
from core.admin import ReadOnlyAdmin


class AuditedAdmin(admin.ModelAdmin):
    """Records who opened or changed a customer's data through the admin."""

    def customer_id_of(self, obj) -> int:
        return obj.customer_id

    def _audit(self, request, obj, action, detail=None):
        audit_record(
            at=timezone.now(), customer_ids=[self.customer_id_of(obj)], action=action,
            channel=AuditChannel.ADMIN, subject=f"{obj._meta.model_name}",
            actor_user=request.user, detail=detail,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                self._audit(request, obj, AuditAction.READ)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(
            request, obj, AuditAction.CHANGE if change else AuditAction.CREATE,
            {"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        self._audit(request, obj, AuditAction.DELETE)
        super().delete_model(request, obj)


class PremiseInline(admin.StackedInline):
    model = Premise
    extra = 0
    show_change_link = True


class AccountInline(admin.TabularInline):
    model = Account
    extra = 0


class CustomerUserInline(admin.TabularInline):
    model = CustomerUser
    extra = 0
    autocomplete_fields = ["user"]


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["meter_point", "account", "active_from", "active_to", "settlement", "payment",
              "status"]
    autocomplete_fields = ["meter_point", "account"]


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
    list_display = ["reference", "name", "kind", "segment", "contact_email", "created_at"]
    list_filter = ["kind", "segment"]
    search_fields = ["reference", "name", "contact_email", "premises__postcode",
                     "premises__meter_points__identifier"]
    inlines = [PremiseInline, AccountInline, CustomerUserInline, ContractInline]

    def customer_id_of(self, obj):
        return obj.pk


class MeterPointInline(admin.TabularInline):
    model = MeterPoint
    extra = 0


@admin.register(Premise)
class PremiseAdmin(AuditedAdmin):
    list_display = ["address_line", "city", "region", "customer", "heating_type", "occupants"]
    list_filter = ["region", "heating_type"]
    search_fields = ["address_line", "city", "postcode", "customer__name",
                     "customer__reference"]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]
    inlines = [MeterPointInline]


@admin.register(MeterPoint)
class MeterPointAdmin(AuditedAdmin):
    list_display = ["identifier", "premise", "created_at"]
    search_fields = ["identifier", "premise__address_line", "premise__customer__name"]
    autocomplete_fields = ["premise"]
    list_select_related = ["premise"]

    def customer_id_of(self, obj):
        return obj.premise.customer_id


@admin.register(Account)
class AccountAdmin(AuditedAdmin):
    list_display = ["number", "customer", "billing_email"]
    search_fields = ["number", "customer__name", "customer__reference"]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]


@admin.register(Contract)
class ContractAdmin(AuditedAdmin):
    list_display = ["id", "customer", "meter_point", "active_from", "active_to", "settlement",
                    "payment", "status"]
    list_filter = ["status", "settlement", "payment", "active_from"]
    search_fields = ["customer__name", "customer__reference", "meter_point__identifier",
                     "account__number"]
    autocomplete_fields = ["customer", "account", "meter_point"]
    list_select_related = ["customer", "meter_point"]
    date_hierarchy = "active_from"


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["customer", "client_id", "granted_at", "revoked_at"]
    list_filter = ["client_id"]
    search_fields = ["customer__reference", "client_id"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "channel", "subject", "customer_id_value", "actor_user",
                    "actor_client_id"]
    list_filter = ["action", "channel"]
    search_fields = ["customer_id_value", "actor_client_id", "actor_user__username"]
    list_select_related = ["actor_user"]
