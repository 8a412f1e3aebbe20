"""The platform's reference instruments, which the simulator feeds by default.

The rows are written out here (not imported) so the migration keeps meaning the same
thing however the code changes later.
"""
from django.db import migrations

INSTRUMENTS = [
    # code, name, kind, zone, unit, currency, interval_minutes
    ("DA-NORTH", "Day-ahead power, North", "POWER_DAY_AHEAD", "NORTH", "EUR/MWh", "EUR", 60),
    ("DA-SOUTH", "Day-ahead power, South", "POWER_DAY_AHEAD", "SOUTH", "EUR/MWh", "EUR", 60),
    ("RT-NORTH", "Real-time power, North", "POWER_REAL_TIME", "NORTH", "EUR/MWh", "EUR", 1),
    ("RT-SOUTH", "Real-time power, South", "POWER_REAL_TIME", "SOUTH", "EUR/MWh", "EUR", 1),
    ("COAL", "Coal, delivered", "COAL", "", "USD/t", "USD", 5),
    ("OIL", "Crude oil", "OIL", "", "USD/bbl", "USD", 5),
    ("GAS", "Natural gas, hub", "GAS", "", "EUR/MWh", "EUR", 5),
    ("CARBON", "Carbon allowances", "CARBON", "", "EUR/t", "EUR", 5),
    ("RENEW-NORTH", "Renewable share, North", "RENEWABLE_SHARE", "NORTH", "%", "", 15),
    ("TEMP-NORTH", "Air temperature, North", "TEMPERATURE", "NORTH", "degC", "", 15),
]


def create(apps, schema_editor):
    Instrument = apps.get_model("market", "Instrument")
    for code, name, kind, zone, unit, currency, minutes in INSTRUMENTS:
        Instrument.objects.get_or_create(
            code=code,
            defaults=dict(name=name, kind=kind, zone=zone, unit=unit, currency=currency,
                          interval_minutes=minutes),
        )


def remove(apps, schema_editor):
    Instrument = apps.get_model("market", "Instrument")
    Instrument.objects.filter(code__in=[row[0] for row in INSTRUMENTS],
                              points__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
