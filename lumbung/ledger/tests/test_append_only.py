"""History cannot be rewritten: not through the models, not through querysets, not through raw SQL.

The raw-SQL tests run on whatever database the lane uses (SQLite in the unit lane); the ``postgres``
copies make sure PostgreSQL's triggers are exercised in the PostgreSQL-only lane too.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from lumbung.ledger.models import AppendOnlyViolation, JournalEntry, LedgerAccount, Posting
from lumbung.ledger.selectors import balance
from lumbung.ledger.services import Line, entry_post
from lumbung.ledger.verify import ledger_verify

from .factories import AccountFactory, fund, money

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    escrow = AccountFactory(code="escrow:buyer:a1")
    payable = AccountFactory(code="payable:seller:a1")
    fund(escrow, 1000)
    return entry_post(
        kind="escrow.released",
        reference="order:a1",
        lines=[Line(escrow, money(1000)), Line(payable, money(-1000))],
    )


def test_a_stored_entry_or_posting_cannot_be_saved_again(entry):
    entry.memo = "rewritten"
    with pytest.raises(AppendOnlyViolation):
        entry.save()
    posting = entry.postings.first()
    posting.amount = 1
    with pytest.raises(AppendOnlyViolation):
        posting.save()
    assert JournalEntry.objects.get(pk=entry.pk).memo == ""


def test_entries_and_postings_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyViolation):
        entry.delete()
    with pytest.raises(AppendOnlyViolation):
        entry.postings.first().delete()
    assert Posting.objects.filter(entry=entry).count() == 2


def test_querysets_refuse_bulk_update_and_delete(entry):
    for attempt in (
        lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="x"),
        lambda: JournalEntry.objects.all().delete(),
        lambda: Posting.objects.filter(entry=entry).update(amount=0),
        lambda: Posting.objects.all().delete(),
        lambda: Posting.objects.bulk_update(list(entry.postings.all()), ["amount"]),
    ):
        with pytest.raises(AppendOnlyViolation):
            attempt()
    assert Posting.objects.filter(entry=entry).count() == 2


def test_deleting_an_account_with_postings_is_refused(entry):
    account = LedgerAccount.objects.get(code="payable:seller:a1")
    with pytest.raises(ProtectedError):
        account.delete()
    assert LedgerAccount.objects.filter(code="payable:seller:a1").exists()


def _raw(sql: str, params=()) -> None:
    # A savepoint keeps the test's transaction usable after the database refuses.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def assert_raw_sql_is_refused(entry) -> None:
    posting = entry.postings.first()
    attempts = [
        ("UPDATE ledger_posting SET amount = amount + 1 WHERE id = %s", [posting.pk]),
        ("DELETE FROM ledger_posting WHERE id = %s", [posting.pk]),
        ("UPDATE ledger_journalentry SET memo = 'rewritten' WHERE id = %s", [entry.pk]),
        ("DELETE FROM ledger_journalentry WHERE id = %s", [entry.pk]),
    ]
    for sql, params in attempts:
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(sql, params)
    assert Posting.objects.get(pk=posting.pk).amount == posting.amount
    assert JournalEntry.objects.get(pk=entry.pk).memo == ""


def assert_account_type_and_currency_are_fixed(entry) -> None:
    account = LedgerAccount.objects.get(code="payable:seller:a1")
    for sql in (
        "UPDATE ledger_ledgeraccount SET currency = 'USD' WHERE id = %s",
        "UPDATE ledger_ledgeraccount SET type = 'asset' WHERE id = %s",
    ):
        with pytest.raises(IntegrityError):
            _raw(sql, [account.pk])
    # The name is free to change: it is not history.
    _raw("UPDATE ledger_ledgeraccount SET name = 'Toko Baru' WHERE id = %s", [account.pk])
    assert LedgerAccount.objects.get(pk=account.pk).name == "Toko Baru"


def assert_posting_in_wrong_currency_is_refused(entry) -> None:
    account = LedgerAccount.objects.get(code="payable:seller:a1")
    with pytest.raises(IntegrityError):
        _raw(
            "INSERT INTO ledger_posting (entry_id, account_id, amount, currency) VALUES (%s, %s, %s, 'USD')",
            [entry.pk, account.pk, 5],
        )


def test_raw_sql_cannot_change_or_delete_history(entry):
    assert_raw_sql_is_refused(entry)


def test_raw_sql_cannot_retype_an_account(entry):
    assert_account_type_and_currency_are_fixed(entry)


def test_raw_sql_cannot_post_in_another_currency(entry):
    assert_posting_in_wrong_currency_is_refused(entry)


def test_the_guards_are_installed():
    assert ledger_verify().missing_guards == []


@pytest.mark.postgres
def test_postgres_triggers_refuse_raw_changes(entry):
    assert connection.vendor == "postgresql"
    assert_raw_sql_is_refused(entry)
    assert_account_type_and_currency_are_fixed(entry)
    assert_posting_in_wrong_currency_is_refused(entry)


RAW_ENTRY = (
    "INSERT INTO ledger_journalentry (public_id, kind, reference, memo, metadata, created_at)"
    " VALUES (%s, 'raw', '', '', '{}', now()) RETURNING id"
)
RAW_POSTING = "INSERT INTO ledger_posting (entry_id, account_id, amount, currency) VALUES (%s, %s, %s, 'IDR')"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_at_commit_an_entry_that_does_not_balance():
    escrow = AccountFactory(code="escrow:buyer:pg")
    payable = AccountFactory(code="payable:seller:pg")
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        cursor = connection.cursor()
        cursor.execute(RAW_ENTRY, ["rawunbalanced001"])
        entry_id = cursor.fetchone()[0]
        cursor.execute(RAW_POSTING, [entry_id, escrow.pk, 100])
        cursor.execute(RAW_POSTING, [entry_id, payable.pk, -99])
        # Inside the transaction nothing complains yet: the check is deferred to COMMIT.
        cursor.execute("SELECT COUNT(*) FROM ledger_posting WHERE entry_id = %s", [entry_id])
        assert cursor.fetchone()[0] == 2
    assert not JournalEntry.objects.filter(public_id="rawunbalanced001").exists()
    assert not Posting.objects.filter(account__in=[escrow, payable]).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_at_commit_an_entry_without_postings():
    with pytest.raises(IntegrityError, match="fewer than two postings"), transaction.atomic():
        connection.cursor().execute(RAW_ENTRY, ["rawempty00000001"])
    assert not JournalEntry.objects.filter(public_id="rawempty00000001").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_accepts_a_balanced_entry_at_commit():
    escrow = AccountFactory(code="escrow:buyer:pg2")
    payable = AccountFactory(code="payable:seller:pg2")
    fund(escrow, 500)
    entry_post(kind="x", reference="", lines=[Line(escrow, money(500)), Line(payable, money(-500))])
    assert balance(payable) == money(500)
    assert ledger_verify().ok
