"""The daily rollups' unique index carries kWh and the interval count (INCLUDE), so
reading many meters' daily figures is an index-only scan instead of a read of the wide
rows with their packed readings."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('metering', '0007_dailyrollup_packed'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='dailyrollup',
            name='rollup_one_per_meter_day',
        ),
        migrations.AddConstraint(
            model_name='dailyrollup',
            constraint=models.UniqueConstraint(fields=('meter', 'day_date'), include=('kwh', 'interval_count'), name='rollup_one_per_meter_day'),
        ),
    ]
