"""The reading table: declarative range partitioning by month on interval_start.

Runs inside each retailer schema (django-tenants sets the search_path), so names are
unqualified. Partitions (metering_reading_pYYYYMM) are created by
metering.domain.partitions; there is deliberately no DEFAULT partition, so a reading for a
month without a partition fails loudly instead of piling up in a catch-all.
"""
from django.db import migrations

CREATE = """
CREATE TABLE metering_reading (
    meter_id bigint NOT NULL REFERENCES metering_meter (id) DEFERRABLE INITIALLY DEFERRED,
    interval_start timestamptz NOT NULL,
    kwh numeric(16, 6) NOT NULL,
    quality varchar(10) NOT NULL DEFAULT 'ACTUAL'
        CHECK (quality IN ('ACTUAL', 'ESTIMATED', 'EDITED', 'MISSING')),
    source varchar(100) NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL,
    PRIMARY KEY (meter_id, interval_start)
) PARTITION BY RANGE (interval_start);
"""

DROP = "DROP TABLE IF EXISTS metering_reading CASCADE;"


class Migration(migrations.Migration):

    dependencies = [
        ("metering", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
    ]
