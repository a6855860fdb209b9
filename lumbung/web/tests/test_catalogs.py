"""Message catalogs: every string the code uses is translated, and compiled catalogs reach Django."""

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from django.core.management import call_command
from django.utils import translation

from lumbung.web import i18n_catalogs


def test_real_catalogs_are_complete():
    """Fails until `lumbung messages extract` has run and id and zh_Hans are fully translated."""
    template = i18n_catalogs.extract()
    assert len(template) > 0
    problems = {lang: i18n_catalogs.missing(lang, template) for lang in ("id", "zh_Hans")}
    report = "\n".join(f"{lang}: {p}" for lang, items in problems.items() for p in items)
    assert not report, f"run `make messages` and translate:\n{report}"


def test_extraction_finds_python_and_template_strings():
    template = i18n_catalogs.extract()
    ids = {m.id for m in template}
    assert "Please log in first." in ids  # gettext_lazy in lumbung/core/errors.py
    assert "Skip to content" in ids  # {% translate %} in web/base.html
    assert "There is nothing at this address." in ids  # gettext_lazy in lumbung/api/errors.py


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """Point i18n_catalogs at a package of our own, so the real catalogs stay untouched."""
    package = tmp_path / "lumbung"
    monkeypatch.setattr(i18n_catalogs, "PACKAGE", package)
    monkeypatch.setattr(i18n_catalogs, "LOCALE_DIR", package / "locale")
    return package


def _write(package, lang, catalog):
    path = package / "locale" / lang / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        write_po(fh, catalog)


def _template(*ids):
    template = Catalog()
    for msgid in ids:
        template.add(msgid)
    return template


def test_missing_reports_missing_fuzzy_and_untranslated(fake_package):
    catalog = Catalog(locale="id")
    catalog.add("Basket", "Keranjang")
    catalog.add("Seller", "Penjual", flags=["fuzzy"])
    catalog.add("Buyer", "")
    catalog.add(("{n} order", "{n} orders"), ("", ""))
    _write(fake_package, "id", catalog)
    # English has two plural forms: one left empty is untranslated. (Indonesian has one, and Babel
    # reads an Indonesian plural back with that one form only.)
    english = Catalog(locale="en")
    english.add(("{n} order", "{n} orders"), ("{n} order", ""))
    _write(fake_package, "en", english)

    template = _template("Basket", "Seller", "Buyer", "Courier", ("{n} order", "{n} orders"))
    assert sorted(i18n_catalogs.missing("id", template)) == sorted(
        ["fuzzy: Seller", "untranslated: Buyer", "missing: Courier", "untranslated: {n} order"]
    )
    assert i18n_catalogs.missing("en", _template(("{n} order", "{n} orders"))) == ["untranslated: {n} order"]
    # A language with no catalog at all lacks everything.
    assert len(i18n_catalogs.missing("zh_Hans", template)) == 5
    # A complete catalog reports nothing.
    assert i18n_catalogs.missing("id", _template("Basket")) == []


def test_compile_produces_catalogs_that_django_uses(fake_package, settings):
    catalog = Catalog(locale="id")
    catalog.add("Fresh avocado from the village", "Alpukat segar dari desa")
    catalog.add("Banana flour", "Tepung pisang (belum pasti)", flags=["fuzzy"])
    _write(fake_package, "id", catalog)
    zh = Catalog(locale="zh")
    zh.add("Fresh avocado from the village", "来自村里的新鲜牛油果")
    _write(fake_package, "zh_Hans", zh)

    call_command("messages", "compile")

    mo = fake_package / "locale" / "id" / "LC_MESSAGES" / "django.mo"
    assert mo.exists() and (fake_package / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists()
    settings.LOCALE_PATHS = [fake_package / "locale", *settings.LOCALE_PATHS]
    with translation.override("id"):
        assert translation.gettext("Fresh avocado from the village") == "Alpukat segar dari desa"
        assert translation.gettext("Banana flour") == "Banana flour"  # fuzzy entries are not used
    with translation.override("zh-hans"):
        assert translation.gettext("Fresh avocado from the village") == "来自村里的新鲜牛油果"
    with translation.override("en"):
        assert translation.gettext("Fresh avocado from the village") == "Fresh avocado from the village"
