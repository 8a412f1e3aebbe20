"""The day's readings packed on each daily rollup (the profile seam reads them; see
metering/domain/rollups.py), filled in for the rollups that exist, in the retailer's zone
(the zone their days were computed in)."""
from django.db import migrations, models

BACKFILL = """
    UPDATE metering_dailyrollup d SET packed = COALESCE((
        SELECT string_agg(timestamptz_send(r.interval_start)
                          || int8send((r.kwh * 4000000)::int8
                                      + CASE r.quality WHEN 'ACTUAL' THEN 0
                                                       WHEN 'ESTIMATED' THEN 1
                                                       WHEN 'EDITED' THEN 2 ELSE 3 END),
                          ''::bytea ORDER BY r.interval_start)
        FROM metering_reading r
        WHERE r.meter_id = d.meter_id
          AND r.interval_start >= d.day_date::timestamp AT TIME ZONE %(tz)s
          AND r.interval_start < (d.day_date + 1)::timestamp AT TIME ZONE %(tz)s), '')
"""


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('tenants_retailer') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SELECT time_zone FROM tenants_retailer WHERE schema_name = "
                       "current_schema()")
        row = cursor.fetchone()
        if row is None:
            return
        cursor.execute(BACKFILL, {"tz": row[0]})


class Migration(migrations.Migration):

    dependencies = [
        ('metering', '0006_meter_data_upload'),
    ]

    operations = [
        migrations.AddField(
            model_name='dailyrollup',
            name='packed',
            field=models.BinaryField(default=bytes, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
