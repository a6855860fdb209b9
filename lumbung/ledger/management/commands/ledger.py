"""``lumbung ledger verify``: prove the books balance, or exit non-zero naming what does not."""

from django.core.management.base import BaseCommand, CommandError

from lumbung.ledger.verify import ledger_verify

SHOW = 50  # offending ids listed per check; the count is always complete


class Command(BaseCommand):
    help = "Ledger maintenance. 'verify': every entry balances, cached balances match, nothing overdrawn."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="check the whole ledger; exit 1 and list the offenders if wrong")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            self.verify()

    def verify(self) -> None:
        report = ledger_verify()
        self.stdout.write(
            f"ledger: {report.entries} entries, {report.postings} postings, {report.accounts} accounts"
        )
        for currency, total in report.trial_balance.items():
            self.stdout.write(f"trial balance {currency}: {total}")
        problems = {
            "entries that do not sum to zero per currency": report.unbalanced_entries,
            "entries with fewer than two postings": report.thin_entries,
            "entries with a posting in another currency than its account": report.currency_mismatches,
            "accounts whose cached balance differs from their postings": report.stale_balances,
            "accounts below zero that must not be": report.negative_accounts,
            "currencies whose trial balance is not zero": report.unbalanced_currencies,
            "database guards missing (re-run the ledger's 0002 migration)": report.missing_guards,
        }
        for label, ids in problems.items():
            if ids:
                shown = ", ".join(ids[:SHOW]) + (f" … and {len(ids) - SHOW} more" if len(ids) > SHOW else "")
                self.stderr.write(f"{len(ids)} {label}: {shown}")
        if not report.ok:
            raise CommandError("the ledger does not verify")
        self.stdout.write(
            self.style.SUCCESS("ledger verified: every entry balances and every balance matches")
        )
