"""The retailer's admin for sales staff: customers, premises, meter points, contracts."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.http import HttpResponseRedirect
from django.utils import timezone

from accounts.domain.audit import Actor, audit_record
from accounts.domain.consents import (
    UnableToChangeConsent,
    consent_grant,
    consent_revoke,
    partners_available,
)
from accounts.domain.contracts import (
    contract_change,
    contract_change_check,
    contract_create,
    contract_create_check,
)
from accounts.domain.self_service import UnableToDecideSwitch, tariff_switch_decide
from accounts.models import (
    Account,
    AuditAction,
    AuditChannel,
    AuditEvent,
    Consent,
    Contract,
    Customer,
    CustomerApiKey,
    CustomerUser,
    MeterPoint,
    Premise,
    TariffSwitchRequest,
)
from core.admin import ReadOnlyAdmin
from core.errors import GridlineError
from core.ranges import local_date


def tariff_label(version) -> str:
    return f"{version.product.name} (from {version.active_from:%d %b %Y})" if version else "—"


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
    readonly_fields = ["public_number"]  # apps know the account by it: never changed


class CustomerUserInline(admin.TabularInline):
    model = CustomerUser
    extra = 0
    autocomplete_fields = ["user"]


# --- contracts: every write through accounts.domain.contracts --------------------------

def _admin_actor(request) -> Actor:
    return Actor(channel=AuditChannel.ADMIN, at=timezone.now(), user=request.user)


def _today(request):
    return local_date(timezone.now(), request.tenant.time_zone)


class DomainCheckedForm(forms.ModelForm):
    """A contract form whose clean() asks the domain; the model's constraints are the
    domain's to report (with its messages), and the database's to enforce."""

    def _post_clean(self):
        self.instance = construct_instance(self, self.instance, self._meta.fields,
                                           self._meta.exclude)
        try:
            self.instance.full_clean(exclude=self._get_validation_exclusions(),
                                     validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self._update_errors(exc)


class ContractNewForm(DomainCheckedForm):
    """A new contract's terms, checked by the domain (its message beside the form); the
    status is not asked for: it follows from the period."""

    class Meta:
        model = Contract
        fields = ["customer", "meter_point", "account", "tariff_version", "active_from",
                  "active_to", "settlement", "payment"]

    def customer_of_contract(self):
        return self.cleaned_data.get("customer")

    def clean(self):
        data = super().clean()
        terms = [data.get(name) for name in ("meter_point", "account", "tariff_version",
                                             "active_from", "settlement", "payment")]
        customer = self.customer_of_contract()
        if customer is not None and all(value is not None for value in terms):
            try:
                contract_create_check(
                    customer=customer, account=data["account"],
                    meter_point=data["meter_point"], active_from=data["active_from"],
                    active_to=data.get("active_to"), tariff_version=data["tariff_version"],
                    settlement=data["settlement"], payment=data["payment"])
            except GridlineError as exc:
                raise forms.ValidationError(exc.detail) from exc
        return data


class ContractChangeForm(DomainCheckedForm):
    """What may change on a contract that has not ended: its end, its terms, or (before
    it starts) cancelling it."""

    class Meta:
        model = Contract
        fields = ["active_to", "settlement", "payment", "status"]

    def clean(self):
        data = super().clean()
        if all(name in data for name in ("settlement", "payment", "status")):
            try:
                contract_change_check(
                    contract=Contract.objects.select_related("meter_point").get(
                        pk=self.instance.pk),
                    active_to=data.get("active_to"), settlement=data["settlement"],
                    payment=data["payment"], status=data["status"], today=self.today)
            except GridlineError as exc:
                raise forms.ValidationError(exc.detail) from exc
        return data


class ContractInlineForm(ContractNewForm):
    class Meta(ContractNewForm.Meta):
        fields = [name for name in ContractNewForm.Meta.fields if name != "customer"]

    def customer_of_contract(self):
        # The customer whose page this is (none yet while it is being added).
        return self.instance.customer if self.instance.customer_id else None


class ContractInline(admin.TabularInline):
    """New contracts on the customer's page go through contract_create; existing ones are
    shown read-only here and changed on their own page."""

    model = Contract
    form = ContractInlineForm
    extra = 0
    fields = ["meter_point", "account", "tariff_version", "active_from", "active_to",
              "settlement", "payment", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["meter_point", "account", "tariff_version"]
    can_delete = False
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False


class ContractRefused(Exception):
    """A domain refusal at save time (a race the form's check could not see); raised out of
    the admin's transaction so nothing is saved."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


def _create_from_form(request, form, *, customer) -> Contract:
    data = form.cleaned_data
    try:
        return contract_create(
            customer=customer, account=data["account"], meter_point=data["meter_point"],
            active_from=data["active_from"], active_to=data["active_to"],
            settlement=data["settlement"], payment=data["payment"],
            tariff_version=data["tariff_version"], today=_today(request),
            actor=_admin_actor(request))
    except GridlineError as exc:
        raise ContractRefused(exc.detail) from exc


class ContractRefusalsShown:
    """Shows a ContractRefused as an error message; the admin's transaction rolled back."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ContractRefused as exc:
            self.message_user(request, f"Nothing was saved: {exc.detail}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Customer)
class CustomerAdmin(ContractRefusalsShown, AuditedAdmin):
    list_display = ["reference", "name", "kind", "segment", "contact_email", "created_at"]
    list_filter = ["kind", "segment"]
    search_fields = ["reference", "name", "contact_email", "premises__postcode",
                     "premises__meter_points__identifier"]
    inlines = [PremiseInline, AccountInline, CustomerUserInline, ContractInline]

    def customer_id_of(self, obj):
        return obj.pk

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contract:
            return super().save_formset(request, form, formset, change)
        # Existing contracts are read-only here; new ones go through the domain.
        formset.new_objects = [
            _create_from_form(request, row, customer=form.instance)
            for row in formset.extra_forms if row.has_changed()
        ]
        formset.changed_objects, formset.deleted_objects = [], []


class MeterPointInline(admin.TabularInline):
    model = MeterPoint
    extra = 0
    readonly_fields = ["mpan"]  # apps know the meter point by it: never changed


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
    list_display = ["identifier", "mpan", "premise", "created_at"]
    search_fields = ["identifier", "mpan", "premise__address_line", "premise__customer__name"]
    readonly_fields = ["mpan"]
    autocomplete_fields = ["premise"]
    list_select_related = ["premise"]

    def customer_id_of(self, obj):
        return obj.premise.customer_id


@admin.register(Account)
class AccountAdmin(AuditedAdmin):
    list_display = ["number", "public_number", "customer", "billing_email"]
    search_fields = ["number", "public_number", "customer__name", "customer__reference"]
    readonly_fields = ["public_number"]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]


@admin.register(Contract)
class ContractAdmin(ContractRefusalsShown, AuditedAdmin):
    """Adds through contract_create, changes through contract_change (both audit); never
    deletes (a contract is cancelled or ended)."""

    list_display = ["id", "customer", "meter_point", "tariff", "active_from", "active_to",
                    "settlement", "payment", "status"]
    list_filter = ["status", "settlement", "payment", "active_from"]
    search_fields = ["customer__name", "customer__reference", "meter_point__identifier",
                     "account__number"]
    autocomplete_fields = ["customer", "account", "meter_point", "tariff_version"]
    list_select_related = ["customer", "meter_point", "tariff_version__product"]
    date_hierarchy = "active_from"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ContractChangeForm if obj is not None else ContractNewForm
        form = super().get_form(request, obj, change, **kwargs)
        form.today = _today(request)
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ContractNewForm.Meta.fields
        return ["customer", "meter_point", "account", "tariff_version", "active_from",
                *ContractChangeForm.Meta.fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["customer", "meter_point", "account", "tariff_version", "active_from"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            created = _create_from_form(request, form, customer=form.cleaned_data["customer"])
        else:
            data = form.cleaned_data
            try:
                created = contract_change(
                    contract=Contract.objects.select_related("meter_point").get(pk=obj.pk),
                    active_to=data["active_to"], settlement=data["settlement"],
                    payment=data["payment"], status=data["status"], today=_today(request),
                    actor=_admin_actor(request))
            except GridlineError as exc:
                raise ContractRefused(exc.detail) from exc
        obj.pk, obj.status, obj.created_at = created.pk, created.status, created.created_at

    @admin.display(description="Tariff", ordering="tariff_version__product__name")
    def tariff(self, obj):
        return tariff_label(obj.tariff_version)


class ConsentForm(forms.ModelForm):
    """The partner is chosen from the retailer's OAuth clients, the customer by search."""

    client_id = forms.ChoiceField(label="Partner")

    class Meta:
        model = Consent
        fields = ["customer", "client_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_id"].choices = [
            (p["client_id"], f"{p['name']} ({p['client_id']})") for p in partners_available()]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Staff record a consent a customer gave them (e.g. on the phone); the change goes
    through accounts/domain/consents.py like the portal's, audited."""

    form = ConsentForm
    list_display = ["customer", "client_id", "granted_at", "revoked_at"]
    list_filter = ["client_id"]
    search_fields = ["customer__reference", "customer__name", "client_id"]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["customer", "client_id", "granted_at", "revoked_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        granted = consent_grant(customer=form.cleaned_data["customer"],
                                client_id=form.cleaned_data["client_id"], at=timezone.now(),
                                channel=AuditChannel.ADMIN, actor_user=request.user)
        obj.pk = granted.pk

    def has_delete_permission(self, request, obj=None):
        return False  # the record stays; revoke ends it

    @admin.action(description="Revoke the selected consents now", permissions=["change"])
    def revoke(self, request, queryset):
        now = timezone.now()
        done = 0
        for consent in queryset.filter(revoked_at__isnull=True).select_related("customer"):
            try:
                done += consent_revoke(customer=consent.customer, client_id=consent.client_id,
                                       at=now, channel=AuditChannel.ADMIN,
                                       actor_user=request.user)
            except UnableToChangeConsent as exc:
                self.message_user(request, exc.detail, messages.WARNING)
        self.message_user(request, f"{done} consent(s) revoked.")


@admin.register(TariffSwitchRequest)
class TariffSwitchRequestAdmin(ReadOnlyAdmin):
    """Requests to move a contract to another product (from the portal, staff or advice).
    Staff accept or decline them here; the new contract is made as a contract."""

    list_display = ["requested_at", "customer", "contract", "current_tariff",
                    "requested_product", "source", "status", "decided_at", "decided_by"]
    list_filter = ["status", "source", "requested_product"]
    search_fields = ["customer__name", "customer__reference",
                     "contract__meter_point__identifier"]
    list_select_related = ["customer", "contract__meter_point", "requested_product",
                           "contract__tariff_version__product", "decided_by"]
    actions = ["accept", "decline"]

    @admin.display(description="Current tariff")
    def current_tariff(self, obj):
        version = obj.contract.tariff_version
        return version.product.name if version else "—"

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("accounts.change_tariffswitchrequest")

    def _decide(self, request, queryset, accept):
        done = 0
        for switch in queryset.order_by("pk"):
            try:
                tariff_switch_decide(request=switch, accept=accept, at=timezone.now(),
                                     actor_user=request.user)
                done += 1
            except UnableToDecideSwitch as exc:
                self.message_user(request, f"{switch}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"{done} request(s) {'accepted' if accept else 'declined'}.")

    @admin.action(description="Accept the selected requests", permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Decline the selected requests", permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "channel", "subject", "customer_id_value", "actor_user",
                    "actor_client_id"]
    list_filter = ["action", "channel"]
    search_fields = ["customer_id_value", "actor_client_id", "actor_user__username"]
    list_select_related = ["actor_user"]


@admin.register(CustomerApiKey)
class CustomerApiKeyAdmin(ReadOnlyAdmin):
    """Customers' keys for the Octopus-compatible API: customers make and revoke them in
    the portal (API access); staff see which exist (never the key: only its fingerprint is
    stored)."""

    list_display = ["key_prefix", "customer", "user", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["key_prefix", "customer__name", "customer__reference", "user__username"]
    list_select_related = ["customer", "user"]
    exclude = ["key_hash"]
