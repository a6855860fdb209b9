"""Database guards for the ledger, so raw SQL cannot rewrite history either.

PostgreSQL:
- entries and postings refuse UPDATE and DELETE (row triggers; TRUNCATE stays an operator's act);
- a posting's currency must equal its account's (checked on insert);
- at COMMIT, each entry's postings sum to zero per currency and an entry has at least two postings
  (deferred constraint triggers, so a service can insert the postings one by one).
- an account's type and currency never change (they fix its sign and its postings' currency).
SQLite: the same, minus the commit-time checks (SQLite has no deferred triggers; the service checks
the sums and ``lumbung ledger verify`` proves them).

SQLite drops a table's triggers when a later migration rebuilds the table: such a migration must call
``install`` again. ``lumbung ledger verify`` reports guards that are missing.
"""

from django.db import migrations

PG_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', HINT = 'post a reversing entry instead';
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION ledger_check_posting_currency() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.currency IS DISTINCT FROM (SELECT currency FROM ledger_ledgeraccount WHERE id = NEW.account_id) THEN
        RAISE EXCEPTION 'posting currency % differs from its account''s', NEW.currency
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      bad record;
    BEGIN
      SELECT currency, SUM(amount) AS total INTO bad FROM ledger_posting
        WHERE entry_id = NEW.entry_id GROUP BY currency HAVING SUM(amount) <> 0 LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: % %', NEW.entry_id, bad.total, bad.currency
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION ledger_check_entry_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT COUNT(*) FROM ledger_posting WHERE entry_id = NEW.id) < 2 THEN
        RAISE EXCEPTION 'journal entry % has fewer than two postings', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION ledger_refuse_account_retype() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.currency IS DISTINCT FROM OLD.currency OR NEW.type IS DISTINCT FROM OLD.type THEN
        RAISE EXCEPTION 'a ledger account''s type and currency never change' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    "DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting",
    """CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE ON ledger_posting
       FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_journalentry",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_journalentry
       FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    "DROP TRIGGER IF EXISTS ledger_posting_currency ON ledger_posting",
    """CREATE TRIGGER ledger_posting_currency BEFORE INSERT ON ledger_posting
       FOR EACH ROW EXECUTE FUNCTION ledger_check_posting_currency()""",
    "DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting",
    """CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced()""",
    "DROP TRIGGER IF EXISTS ledger_entry_has_postings ON ledger_journalentry",
    """CREATE CONSTRAINT TRIGGER ledger_entry_has_postings AFTER INSERT ON ledger_journalentry
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_has_postings()""",
    "DROP TRIGGER IF EXISTS ledger_account_fixed ON ledger_ledgeraccount",
    """CREATE TRIGGER ledger_account_fixed BEFORE UPDATE OF type, currency ON ledger_ledgeraccount
       FOR EACH ROW EXECUTE FUNCTION ledger_refuse_account_retype()""",
]

PG_UNINSTALL = [
    "DROP TRIGGER IF EXISTS ledger_account_fixed ON ledger_ledgeraccount",
    "DROP TRIGGER IF EXISTS ledger_entry_has_postings ON ledger_journalentry",
    "DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting",
    "DROP TRIGGER IF EXISTS ledger_posting_currency ON ledger_posting",
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_journalentry",
    "DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting",
    "DROP FUNCTION IF EXISTS ledger_refuse_account_retype()",
    "DROP FUNCTION IF EXISTS ledger_check_entry_has_postings()",
    "DROP FUNCTION IF EXISTS ledger_check_entry_balanced()",
    "DROP FUNCTION IF EXISTS ledger_check_posting_currency()",
    "DROP FUNCTION IF EXISTS ledger_refuse_change()",
]


def _sqlite_refuse(name: str, when: str, table: str, message: str, condition: str = "") -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} {when} ON {table} {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


SQLITE_INSTALL = [
    *_sqlite_refuse(
        "ledger_posting_no_update", "BEFORE UPDATE", "ledger_posting", "the ledger is append-only: UPDATE refused"
    ),
    *_sqlite_refuse(
        "ledger_posting_no_delete", "BEFORE DELETE", "ledger_posting", "the ledger is append-only: DELETE refused"
    ),
    *_sqlite_refuse(
        "ledger_entry_no_update", "BEFORE UPDATE", "ledger_journalentry", "the ledger is append-only: UPDATE refused"
    ),
    *_sqlite_refuse(
        "ledger_entry_no_delete", "BEFORE DELETE", "ledger_journalentry", "the ledger is append-only: DELETE refused"
    ),
    *_sqlite_refuse(
        "ledger_posting_currency",
        "BEFORE INSERT",
        "ledger_posting",
        "posting currency differs from its account",
        "WHEN NEW.currency IS NOT (SELECT currency FROM ledger_ledgeraccount WHERE id = NEW.account_id)",
    ),
    *_sqlite_refuse(
        "ledger_account_fixed",
        "BEFORE UPDATE OF type, currency",
        "ledger_ledgeraccount",
        "a ledger account type and currency never change",
        "WHEN NEW.currency IS NOT OLD.currency OR NEW.type IS NOT OLD.type",
    ),
]

SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "ledger_posting_no_update",
        "ledger_posting_no_delete",
        "ledger_entry_no_update",
        "ledger_entry_no_delete",
        "ledger_posting_currency",
        "ledger_account_fixed",
    )
]

STATEMENTS = {
    "postgresql": (PG_INSTALL, PG_UNINSTALL),
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
}


def _run(schema_editor, index: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"the ledger has no append-only guards for {vendor}; add them before using it")
    with schema_editor.connection.cursor() as cursor:
        for sql in STATEMENTS[vendor][index]:
            cursor.execute(sql)


def install(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def uninstall(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
