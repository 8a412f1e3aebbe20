"""A billed tariff version never changes: the database refuses it, whatever the door.

Once `first_billed_at` is set, a version's row may change only in `active_to` (superseding a
version ends it there) and cannot be deleted; its component rows (time band rules, unit
rates, demand charges, spot, export, levies, group discounts) cannot be inserted, changed
or deleted. tariffs.domain.catalogue.tariff_version_check_editable says the same with a
message; these triggers make it true for raw SQL too.
"""
from django.db import migrations

COMPONENT_TABLES = ["tariffs_timebandrule", "tariffs_unitrate", "tariffs_demandchargetier",
                    "tariffs_spotrate", "tariffs_exportrate", "tariffs_levy",
                    "tariffs_groupdiscount"]

FORWARD = """
CREATE FUNCTION tariffs_version_keep_billed() RETURNS trigger AS $$
BEGIN
    IF OLD.first_billed_at IS NULL THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'tariff version % has billed; it cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - 'active_to') IS DISTINCT FROM (to_jsonb(OLD) - 'active_to') THEN
        RAISE EXCEPTION 'tariff version % has billed; only the end of its period can change',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tariffs_version_keep_billed BEFORE UPDATE OR DELETE ON tariffs_tariffversion
    FOR EACH ROW EXECUTE FUNCTION tariffs_version_keep_billed();

CREATE FUNCTION tariffs_component_keep_billed() RETURNS trigger AS $$
DECLARE
    ids bigint[];
    billed bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN ids := ARRAY[NEW.version_id];
    ELSIF TG_OP = 'DELETE' THEN ids := ARRAY[OLD.version_id];
    ELSE ids := ARRAY[OLD.version_id, NEW.version_id];
    END IF;
    -- The version table of the row's own schema, whatever the session's search_path.
    EXECUTE format('SELECT id FROM %I.tariffs_tariffversion WHERE id = ANY($1) '
                   'AND first_billed_at IS NOT NULL LIMIT 1', TG_TABLE_SCHEMA)
        INTO billed USING ids;
    IF billed IS NOT NULL THEN
        RAISE EXCEPTION 'tariff version % has billed; its components cannot change', billed
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_keep_billed BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION tariffs_component_keep_billed();
""" for table in COMPONENT_TABLES)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {table}_keep_billed ON {table};\n"
                   for table in COMPONENT_TABLES) + """
DROP FUNCTION IF EXISTS tariffs_component_keep_billed();
DROP TRIGGER IF EXISTS tariffs_version_keep_billed ON tariffs_tariffversion;
DROP FUNCTION IF EXISTS tariffs_version_keep_billed();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("tariffs", "0003_active_period_base"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
