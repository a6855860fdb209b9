"""``lumbung ledger verify`` passes on honest books and names what is wrong on corrupted ones."""

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from lumbung.ledger import services
from lumbung.ledger.services import Line, entry_post
from lumbung.ledger.verify import ledger_verify

from .factories import AccountFactory, fund, money

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    escrow = AccountFactory(code="escrow:buyer:v1")
    payable = AccountFactory(code="payable:seller:v1")
    fee = services.account_get_or_create(code="revenue:platform_fee", currency="IDR")
    fund(escrow, 100000)
    entry_post(
        kind="escrow.released",
        reference="order:v1",
        lines=[Line(escrow, money(100000)), Line(payable, money(-97000)), Line(fee, money(-3000))],
    )
    usd = services.account_get_or_create(code="escrow:buyer:v2", currency="USD")
    fund(usd, "12.34")
    return {"escrow": escrow, "payable": payable, "fee": fee}


def run_verify() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ledger", "verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_honest_books_verify(books):
    out, err = run_verify()
    assert "3 entries, 7 postings" in out
    assert "trial balance IDR: 0" in out and "trial balance USD: 0" in out
    assert "ledger verified" in out
    assert err == ""


def test_a_corrupted_cached_balance_is_found_and_the_command_fails(books):
    # Balances are a cache, so raw SQL may touch them; verify is what catches a wrong one.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgeraccount SET balance = balance + 1 WHERE id = %s", [books["payable"].pk]
        )
    report = ledger_verify()
    assert report.stale_balances == ["payable:seller:v1"]
    assert report.unbalanced_currencies == ["IDR"]
    assert not report.ok
    with pytest.raises(CommandError):
        run_verify()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "verify", stdout=io.StringIO(), stderr=err)
    assert "1 accounts whose cached balance differs from their postings: payable:seller:v1" in err.getvalue()


def test_from_the_command_line_a_bad_ledger_exits_non_zero(books, capsys):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgeraccount SET balance = 0 WHERE id = %s", [books["fee"].pk])
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["lumbung", "ledger", "verify"])
    assert exc.value.code == 1
    assert "revenue:platform_fee" in capsys.readouterr().err


def test_from_the_command_line_good_books_exit_zero(books, capsys):
    execute_from_command_line(["lumbung", "ledger", "verify"])  # no SystemExit: status 0
    assert "ledger verified" in capsys.readouterr().out


def _raw_unbalanced_entry(cursor, account_pk: int) -> None:
    cursor.execute(
        "INSERT INTO ledger_journalentry (public_id, kind, reference, memo, metadata, created_at)"
        " VALUES ('rawbad0000000001', 'raw', '', '', '{}', CURRENT_TIMESTAMP)"
    )
    cursor.execute("SELECT id FROM ledger_journalentry WHERE public_id = 'rawbad0000000001'")
    entry_id = cursor.fetchone()[0]
    cursor.execute(
        "INSERT INTO ledger_posting (entry_id, account_id, amount, currency) VALUES (%s, %s, 5, 'IDR')",
        [entry_id, account_pk],
    )


def test_an_unbalanced_entry_slipped_in_by_raw_sql_is_refused_or_named(books):
    if connection.vendor == "postgresql":
        # PostgreSQL's deferred check refuses it when the transaction's constraints are checked.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            _raw_unbalanced_entry(cursor, books["payable"].pk)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert ledger_verify().ok
        return
    # SQLite has no deferred sum check, so raw SQL can insert an unbalanced entry; verify names it.
    with connection.cursor() as cursor:
        _raw_unbalanced_entry(cursor, books["payable"].pk)
    report = ledger_verify()
    assert report.unbalanced_entries == ["rawbad0000000001"]
    assert report.thin_entries == ["rawbad0000000001"]
    assert report.stale_balances == ["payable:seller:v1"]


def test_a_missing_guard_fails_verification(books):
    name = "ledger_posting_no_delete" if connection.vendor == "sqlite" else "ledger_posting_append_only"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {name}" + (" ON ledger_posting" if connection.vendor == "postgresql" else "")
        )
    report = ledger_verify()
    assert report.missing_guards == [name]
    assert not report.ok
