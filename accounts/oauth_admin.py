"""The staff admin's page for partners' OAuth applications (django-oauth-toolkit's
APPLICATION_ADMIN_CLASS): registration is staff work, for PARTNER users only, with the
client-credentials grant, and with the API scopes the application may be given."""
from django import forms
from django.contrib import admin
from oauth2_provider.forms import ApplicationForm
from oauth2_provider.models import get_application_model

from accounts.domain.partners import api_scopes, granted_scopes, partner_scopes_set
from accounts.users.models import Role, User

Application = get_application_model()


class PartnerApplicationForm(ApplicationForm):
    granted_scopes = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Tokens of this application can carry these scopes and no other.")

    class Meta:
        model = Application
        fields = ["name", "user", "client_id", "client_secret", "hash_client_secret",
                  "client_type", "authorization_grant_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["granted_scopes"].choices = [
            (scope, f"{scope}: {text}") for scope, text in api_scopes().items()]
        if self.instance.pk:
            self.fields["granted_scopes"].initial = granted_scopes(application=self.instance)
        self.fields["user"].queryset = User.objects.filter(role=Role.PARTNER,
                                                           is_active=True).order_by("username")
        self.fields["user"].required = True
        self.fields["user"].help_text = "The partner login the API acts as (role Partner)."
        self.fields["client_type"].choices = [
            (Application.CLIENT_CONFIDENTIAL, "Confidential")]
        self.fields["authorization_grant_type"].choices = [
            (Application.GRANT_CLIENT_CREDENTIALS, "Client credentials")]


class PartnerApplicationAdmin(admin.ModelAdmin):
    form = PartnerApplicationForm
    list_display = ["name", "client_id", "user", "scopes"]
    list_select_related = ["user", "granted"]
    search_fields = ["name", "client_id"]

    @admin.display(description="granted scopes")
    def scopes(self, application):
        granted = getattr(application, "granted", None)
        return granted.scopes if granted is not None else ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        partner_scopes_set(application=obj, scopes=form.cleaned_data["granted_scopes"])
