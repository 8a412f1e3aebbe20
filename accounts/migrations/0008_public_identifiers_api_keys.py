"""MPAN-like numbers for meter points and Octopus-style numbers for accounts (existing
rows get fresh ones), and customers' API keys for the Octopus-compatible API."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.identifiers


def fill_identifiers(apps, schema_editor):
    MeterPoint = apps.get_model("accounts", "MeterPoint")
    Account = apps.get_model("accounts", "Account")
    taken = set()

    def fresh(make):
        value = make()
        while value in taken:
            value = make()
        taken.add(value)
        return value

    for point in MeterPoint.objects.filter(mpan__isnull=True).order_by("pk"):
        point.mpan = fresh(accounts.identifiers.new_mpan)
        point.save(update_fields=["mpan"])
    for account in Account.objects.filter(public_number__isnull=True).order_by("pk"):
        account.public_number = fresh(accounts.identifiers.new_account_number)
        account.save(update_fields=["public_number"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_audit_channel_system'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='meterpoint',
            name='mpan',
            field=models.CharField(max_length=13, null=True, verbose_name='MPAN'),
        ),
        migrations.AddField(
            model_name='account',
            name='public_number',
            field=models.CharField(max_length=12, null=True),
        ),
        migrations.RunPython(fill_identifiers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='meterpoint',
            name='mpan',
            field=models.CharField(default=accounts.identifiers.new_mpan, max_length=13, unique=True, verbose_name='MPAN'),
        ),
        migrations.AlterField(
            model_name='account',
            name='public_number',
            field=models.CharField(default=accounts.identifiers.new_account_number, max_length=12, unique=True),
        ),
        migrations.CreateModel(
            name='CustomerApiKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(max_length=64, unique=True)),
                ('key_prefix', models.CharField(max_length=16)),
                ('created_at', models.DateTimeField()),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='accounts.customer')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'customer API key',
                'constraints': [models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('user',), name='api_key_one_live_per_login'), models.CheckConstraint(condition=models.Q(('revoked_at__isnull', True), ('revoked_at__gte', models.F('created_at')), _connector='OR'), name='api_key_period_not_negative')],
            },
        ),
    ]
