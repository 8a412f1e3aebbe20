"""The manager's forms: input checks for messages only; the services decide."""
from django import forms

from cooperatives.domain.dividends import DividendMethod


class CostForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM",
                             error_messages={"invalid": "A month written YYYY-MM."})
    description = forms.CharField(max_length=200)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class ProposeForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    method = forms.ChoiceField(choices=[(DividendMethod.SHARE_DAYS, "An amount, by share-days"),
                                        (DividendMethod.INTEREST, "Interest on capital")])
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    rate = forms.DecimalField(max_digits=6, decimal_places=4, min_value=0, required=False,
                              help_text="a year's interest, e.g. 0.03 for 3%")


class ApproveForm(forms.Form):
    distribution = forms.IntegerField(min_value=1)


class SharesForm(forms.Form):
    member = forms.CharField(max_length=50, help_text="the customer's reference")
    shares = forms.IntegerField(min_value=1)
    change = forms.ChoiceField(choices=[("buy", "Buy"), ("redeem", "Redeem")])
    on = forms.DateField(help_text="from this day (YYYY-MM-DD)")
