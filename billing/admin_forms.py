"""Forms of billing's staff admin pages: they parse what staff type; the domain checks and
writes (billing/domain/runs.py, payments.py)."""
from django import forms

from billing.models import PaymentMethod, RunKind


class RunStartForm(forms.Form):
    period = forms.RegexField(regex=r"^\d{4}-\d{2}$", max_length=7, label="Month (YYYY-MM)",
                              help_text="A month that has ended, e.g. 2026-10. Quarterly "
                                        "accounts are billed with the month that closes "
                                        "their quarter.")
    kind = forms.ChoiceField(choices=RunKind.choices, initial=RunKind.REGULAR)
    issue = forms.BooleanField(required=False, initial=True,
                               help_text="Issue the bills (numbers, ledger); otherwise "
                                         "drafts to look at and issue later.")


class PaymentRecordForm(forms.Form):
    account = forms.CharField(max_length=40, label="Account number")
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    external_reference = forms.CharField(
        max_length=100, help_text="The bank's or card processor's reference: the same "
                                  "reference again records nothing.")
    received_at = forms.DateTimeField(help_text="When the money arrived (retailer's time), "
                                                "e.g. 2026-11-21 09:30.")
