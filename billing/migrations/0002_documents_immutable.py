"""The ledger is append-only and an issued bill's content never changes: the database
refuses it, whatever the code does. An issued bill may only move through its statuses
(paid, overdue, cancelled) and record what was paid; its lines never change once it is
issued (a correction cancels it with a credit note and issues a replacement)."""
from django.db import migrations

SQL = """
CREATE FUNCTION billing_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only (entry %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER billing_ledger_append_only BEFORE UPDATE OR DELETE ON billing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();

CREATE FUNCTION billing_bill_issued_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'DRAFT' AND (
        NEW.account_id, NEW.period_start, NEW.period_end, NEW.kind, NEW.number,
        NEW.total_exc_tax, NEW.tax, NEW.total_inc_tax, NEW.issued_at, NEW.due_date,
        NEW.replaces_id
    ) IS DISTINCT FROM (
        OLD.account_id, OLD.period_start, OLD.period_end, OLD.kind, OLD.number,
        OLD.total_exc_tax, OLD.tax, OLD.total_inc_tax, OLD.issued_at, OLD.due_date,
        OLD.replaces_id
    ) THEN
        RAISE EXCEPTION 'bill % is issued: cancel it with a credit note instead', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status = 'CANCELLED' AND NEW.status <> 'CANCELLED' THEN
        RAISE EXCEPTION 'bill % is cancelled for good', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER billing_bill_issued_immutable BEFORE UPDATE ON billing_bill
    FOR EACH ROW EXECUTE FUNCTION billing_bill_issued_immutable();

CREATE FUNCTION billing_lines_of_issued_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bill_status text;
BEGIN
    SELECT status INTO bill_status FROM billing_bill WHERE id = OLD.bill_id;
    IF bill_status IS NOT NULL AND bill_status <> 'DRAFT' THEN
        RAISE EXCEPTION 'the lines of an issued bill never change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER billing_lines_of_issued_immutable BEFORE UPDATE OR DELETE ON billing_billline
    FOR EACH ROW EXECUTE FUNCTION billing_lines_of_issued_immutable();
"""

REVERSE = """
DROP TRIGGER billing_lines_of_issued_immutable ON billing_billline;
DROP FUNCTION billing_lines_of_issued_immutable();
DROP TRIGGER billing_bill_issued_immutable ON billing_bill;
DROP FUNCTION billing_bill_issued_immutable();
DROP TRIGGER billing_ledger_append_only ON billing_ledgerentry;
DROP FUNCTION billing_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
