"""Readings keep their meter by a trigger on the meter table instead of a foreign key.

A foreign key costs a lookup per inserted reading (deferred: ~3.5 s at COMMIT per million
rows here, more than the COPY itself). Ingest already joins every reading to its meter
(unknown meters are rejected), so the one thing the key still guarded is deleting a meter
that has readings; this trigger refuses that, at the cost of one lookup per deleted meter.
"""
from django.db import migrations

FORWARD = """
ALTER TABLE metering_reading DROP CONSTRAINT IF EXISTS metering_reading_meter_id_fkey;

CREATE FUNCTION metering_meter_keep_readings() RETURNS trigger AS $$
DECLARE
    found boolean;
BEGIN
    -- The reading table of the meter's own schema, whatever the session's search_path.
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.metering_reading WHERE meter_id = $1)',
                   TG_TABLE_SCHEMA) INTO found USING OLD.id;
    IF found THEN
        RAISE EXCEPTION 'meter % has readings; it cannot be deleted', OLD.serial
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER metering_meter_keep_readings BEFORE DELETE ON metering_meter
    FOR EACH ROW EXECUTE FUNCTION metering_meter_keep_readings();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS metering_meter_keep_readings ON metering_meter;
DROP FUNCTION IF EXISTS metering_meter_keep_readings();
ALTER TABLE metering_reading ADD CONSTRAINT metering_reading_meter_id_fkey
    FOREIGN KEY (meter_id) REFERENCES metering_meter (id) DEFERRABLE INITIALLY DEFERRED;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("metering", "0002_reading_partitioned"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
