"""Fixtures every app's tests can use.

Browser (tests marked ``@pytest.mark.browser``; they need Debian's Chromium at /usr/bin/chromium):
- ``browser``: one headless Chromium for the session, driven by Playwright's sync API.
- ``new_page(javascript=True, locale="id-ID")``: a fresh context and page (own cookies), e.g. two
  people at once, or a phone with JavaScript off. ``page`` and ``page_nojs`` are the two usual ones.
  Use with pytest-django's ``live_server``: ``page.goto(live_server.url + "/")``.

Providers:
- ``midtrans_sandbox``: ``lumbung sandbox gateway`` as a real process, the adapter pointed at it and
  its notifications at the live server; yields the sandbox's base URL (``/_sandbox/pay`` plays the
  bank).

Languages:
- ``extra_translations({"id": {"Please log in first.": "Silakan masuk dulu."}})`` installs a catalog
  built for the test (ahead of the real ones) so a test can prove a page or error follows the
  language without waiting for the real catalogs to be filled.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

CHROMIUM = os.environ.get("LUMBUNG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the live server and the ORM calls the
    # test makes between page actions are still plain synchronous Django, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    contexts = []

    def make(*, javascript: bool = True, locale: str = "id-ID", **context_options):
        context = browser.new_context(java_script_enabled=javascript, locale=locale, **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def page_nojs(new_page):
    return new_page(javascript=False)


@pytest.fixture
def extra_translations(tmp_path, settings) -> Callable[[dict[str, dict[str, str]]], None]:
    from lumbung.web.testing import write_catalog

    def install(messages: dict[str, dict[str, str]]) -> None:
        locale_dir = tmp_path / "test-locale"
        for lang, strings in messages.items():
            write_catalog(locale_dir, lang, strings)
        # First in LOCALE_PATHS wins; changing the setting clears Django's translation caches.
        settings.LOCALE_PATHS = [locale_dir, *settings.LOCALE_PATHS]

    return install


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def ledger_guards_allow_flush(request):
    """After a transaction=True test on SQLite, empty the ledger so Django's flush can run.

    The ledger's append-only triggers refuse DELETE (PostgreSQL's flush TRUNCATEs, which they allow).
    The guards are lifted only for this wipe and put straight back. Requesting ``transactional_db``
    here makes this teardown run before the flush.
    """
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    _reference_data_reseed()
    yield
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    guards = import_module("lumbung.ledger.migrations.0002_append_only_guards")
    with connection.cursor() as cursor:
        for sql in guards.SQLITE_UNINSTALL:
            cursor.execute(sql)
        cursor.execute("DELETE FROM ledger_posting")
        cursor.execute("DELETE FROM ledger_journalentry")
        for sql in guards.SQLITE_INSTALL:
            cursor.execute(sql)


# Rows that data migrations seed and every installation has (standards, the default fee rule, the
# rate card, the HS table). A transactional test's flush removes them; the next such test gets them
# back before it starts, through the migrations' own seed functions.
REFERENCE_SEEDS = (
    ("lumbung.quality.migrations.0002_seed_standards", "seed", "quality", "Standard"),
    ("lumbung.orders.migrations.0003_default_fee_rule", "seed", "orders", "FeeRule"),
    ("lumbung.logistics.migrations.0002_seed_rate_card", "seed", "logistics", "RateCard"),
    ("lumbung.export.migrations.0002_hs_codes", "load", "export", "HsCode"),
)


def _reference_data_reseed() -> None:
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    for module, function, app_label, model in REFERENCE_SEEDS:
        if not apps.get_model(app_label, model).objects.exists():
            getattr(import_module(module), function)(apps, connection.schema_editor())


MIDTRANS_TEST_KEY = "SB-Mid-server-lumbung-tests"


@pytest.fixture
def midtrans_sandbox(live_server, settings):
    from lumbung.core.sandbox import SandboxProcess

    with SandboxProcess("gateway", "--api-key", MIDTRANS_TEST_KEY) as process:
        settings.LUMBUNG_MIDTRANS_BASE_URL = process.url
        settings.LUMBUNG_MIDTRANS_SERVER_KEY = MIDTRANS_TEST_KEY
        settings.LUMBUNG_MIDTRANS_NOTIFICATION_URL = f"{live_server.url}/payments/midtrans/notification"
        yield process.url
