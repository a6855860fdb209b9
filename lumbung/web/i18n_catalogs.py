"""Message catalogs with Babel, so a fresh machine needs no GNU gettext.

Extraction reads Python sources with Babel's own extractor and Django templates through
Django's ``templatize`` (the same translation the ``makemessages`` command feeds to xgettext).
Catalogs live in ``lumbung/locale/<lang>/LC_MESSAGES/django.po``; the .mo files are build output.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as babel_extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings

PACKAGE = Path(settings.PACKAGE_DIR)
LOCALE_DIR = PACKAGE / "locale"
LANGUAGES = ("id", "en", "zh_Hans")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SKIP_PARTS = {"tests", "migrations", "locale", "__pycache__"}


def _sources() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*")):
        if SKIP_PARTS.intersection(path.relative_to(PACKAGE).parts):
            continue
        if path.suffix == ".py" or (path.suffix in {".html", ".txt"} and "templates" in path.parts):
            yield path


def _extract_file(path: Path) -> Iterator[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        from django.utils.translation.template import templatize

        text = templatize(text, origin=str(path))
    yield from babel_extract(
        "python", io.BytesIO(text.encode("utf-8")), KEYWORDS, ["Translators:"], {}, strip_comment_tags=True
    )


def extract() -> Catalog:
    catalog = Catalog(project="Lumbung", charset="utf-8")
    for path in _sources():
        rel = str(path.relative_to(PACKAGE.parent))
        for lineno, message, comments, context in _extract_file(path):
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            catalog.add(message, locations=[(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def read_catalog(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang.replace("_Hans", ""))


def update(template: Catalog) -> None:
    """Merge freshly extracted strings into each language's catalog (new ones untranslated)."""
    for lang in LANGUAGES:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            catalog = read_catalog(lang)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
        else:
            catalog = Catalog(locale=lang.replace("_Hans", ""), project="Lumbung", charset="utf-8")
            catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, omit_header=False)


def compile_all() -> list[Path]:
    written = []
    for lang in LANGUAGES:
        path = po_path(lang)
        if not path.exists():
            continue
        catalog = read_catalog(lang)
        mo = path.with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def missing(lang: str, template: Catalog) -> list[str]:
    """msgids that the code uses but the language lacks, leaves empty, or marks fuzzy."""
    catalog = read_catalog(lang) if po_path(lang).exists() else Catalog()
    problems = []
    for message in template:
        if not message.id:
            continue
        have = catalog.get(message.id, context=message.context)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if have is None:
            problems.append(f"missing: {key}")
        elif have.fuzzy:
            problems.append(f"fuzzy: {key}")
        elif not (have.string if isinstance(have.string, str) else all(have.string)):
            problems.append(f"untranslated: {key}")
    return problems
