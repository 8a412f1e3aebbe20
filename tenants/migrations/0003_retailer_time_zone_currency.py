from django.db import migrations, models


class Migration(migrations.Migration):
    """Retailers made before these fields existed were all British (the demo)."""

    dependencies = [
        ("tenants", "0002_retailer_brand_colour"),
    ]

    operations = [
        migrations.AddField(
            model_name="retailer",
            name="time_zone",
            field=models.CharField(default="Europe/London", help_text="IANA zone, e.g. Europe/London", max_length=60),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="retailer",
            name="currency",
            field=models.CharField(default="GBP", help_text="ISO 4217 code, e.g. GBP", max_length=3),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="retailer",
            constraint=models.CheckConstraint(condition=models.Q(("currency__regex", "^[A-Z]{3}$")), name="retailer_currency_iso_4217"),
        ),
    ]
