"""The platform operator's admin (public schema only): retailers are created here."""
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from tenants.domain.retailers import (
    UnableToCreateRetailer,
    retailer_create,
    retailer_create_problem,
)
from tenants.models import Domain, Retailer


class PlatformAdminSite(admin.AdminSite):
    site_header = "Gridline platform"
    site_title = "Gridline platform"
    index_title = "Retailers on this platform"
    # Links to the operator's view (config/ops/operator_view.py, routed beside the admin).
    index_template = "platform/admin_index.html"


platform_admin = PlatformAdminSite(name="platform_admin")


class RetailerCreateForm(forms.ModelForm):
    schema_name = forms.CharField(
        label="Slug (schema name)", help_text="e.g. alpha; also the host's first label"
    )
    host = forms.CharField(help_text="Host name routed to it, e.g. alpha.localhost")
    time_zone = forms.CharField(initial="Europe/London",
                                help_text="Where its local days are (IANA), e.g. Europe/London")
    currency = forms.CharField(initial="GBP", max_length=3,
                               help_text="What it bills in (ISO 4217), e.g. GBP")
    staff_username = forms.CharField(initial="staff")
    staff_email = forms.EmailField()
    staff_password = forms.CharField(widget=forms.PasswordInput, min_length=8)

    class Meta:
        model = Retailer
        fields = ["name", "schema_name", "time_zone", "currency"]

    def clean(self):
        data = super().clean()
        problem = retailer_create_problem(
            slug=data.get("schema_name", ""), host=data.get("host", ""),
            time_zone=data.get("time_zone", ""), currency=data.get("currency", ""),
        )
        if problem:
            raise forms.ValidationError(problem)
        return data


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Retailer, site=platform_admin)
class RetailerAdmin(admin.ModelAdmin):
    list_display = ["name", "schema_name", "time_zone", "currency", "created_at"]
    search_fields = ["name", "schema_name", "domains__domain"]
    inlines = [DomainInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RetailerCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        # Zone and currency are set at creation: bills and local days depend on them.
        return (["schema_name", "time_zone", "currency", "created_at"] if obj is not None
                else [])

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "schema_name", "host", "time_zone", "currency", "staff_username",
                    "staff_email", "staff_password"]
        return ["name", "schema_name", "time_zone", "currency", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        try:
            created = retailer_create(
                slug=data["schema_name"], name=data["name"], host=data["host"],
                staff_username=data["staff_username"], staff_email=data["staff_email"],
                staff_password=data["staff_password"], time_zone=data["time_zone"],
                currency=data["currency"],
            )
        except UnableToCreateRetailer as exc:
            # Checked again in the form's clean(); reaching here means a race.
            raise forms.ValidationError(exc.detail) from exc
        obj.pk = created.pk
        obj.created_at = created.created_at

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(get_user_model(), site=platform_admin)
class OperatorAdmin(UserAdmin):
    list_display = ["username", "email", "role", "is_superuser"]
