"""Test helpers shared by every app's page tests.

``page_weight(client, url)`` measures what a first visit over a slow link costs: the page's HTML as
the server sends it with ``Accept-Encoding: gzip``, plus every same-origin stylesheet, script and icon
it links, each gzip-compressed at level 6 (what a static server or CDN would send). Images are
counted apart (``image_bytes``) because a listing page's thumbnails have their own budget.

    weight = page_weight(Client(), reverse("web:home"))
    assert weight.total <= PAGE_BUDGET and weight.html <= HTML_BUDGET, weight.report()
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.test import Client

PAGE_BUDGET = 30 * 1024  # HTML + CSS + JS + icons, compressed, first visit
HTML_BUDGET = 14 * 1024  # the HTML alone: about what fits in the first TCP round trips
CSS_BUDGET = 8 * 1024


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


class _Links(HTMLParser):
    """Collects the addresses of linked assets, by kind."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.assets: list[tuple[str, str]] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("href"):
            rels = set(a.get("rel", "").lower().split())
            if "stylesheet" in rels:
                self.assets.append(("css", a["href"]))
            elif rels & {"icon", "apple-touch-icon", "preload", "modulepreload", "manifest"}:
                self.assets.append(("icon" if "icon" in " ".join(rels) else "preload", a["href"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(("js", a["src"]))
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"])


@dataclass
class PageWeight:
    url: str
    html: int  # compressed bytes of the HTML as sent
    html_raw: int
    assets: dict[str, int] = field(default_factory=dict)  # asset URL -> gzip-6 bytes
    image_bytes: int = 0
    external: list[str] = field(default_factory=list)  # links to other origins (should be none)

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())

    def report(self) -> str:
        lines = [f"{self.url}: {self.total} B total, HTML {self.html} B compressed ({self.html_raw} B raw)"]
        lines += [f"  {size:>7} B  {url}" for url, size in sorted(self.assets.items())]
        if self.image_bytes:
            lines.append(f"  images (not in total): {self.image_bytes} B")
        if self.external:
            lines.append(f"  external: {', '.join(self.external)}")
        return "\n".join(lines)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _same_origin(base: str, href: str) -> str | None:
    if href.startswith("data:"):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_weight(client: Client, url: str, *, expect_status: int = 200, **get_kwargs) -> PageWeight:
    """Fetch ``url`` as a first visit and weigh it with everything it links (see the module doc).

    Pass a fresh ``Client()`` for an anonymous first visit, or a logged-in one for a member's page.
    Fails loudly if the page does not answer ``expect_status`` or a linked asset does not answer 200.
    """
    response = client.get(url, headers={"accept-encoding": "gzip"}, **get_kwargs)
    assert response.status_code == expect_status, f"{url} answered {response.status_code}"
    sent = _body(response)
    html = gzip.decompress(sent) if response.get("Content-Encoding") == "gzip" else sent
    weight = PageWeight(url=url, html=len(sent), html_raw=len(html))

    parser = _Links()
    parser.feed(html.decode(response.charset or "utf-8"))
    base = f"http://testserver{url}"
    fetch = Client()  # assets are public and fetched without the page's cookies
    for _kind, href in parser.assets:
        path = _same_origin(base, href)
        if path is None:
            continue
        if path == "":
            weight.external.append(href)
            continue
        if path in weight.assets:
            continue
        asset = fetch.get(path)
        assert asset.status_code == 200, f"{url} links {path}, which answered {asset.status_code}"
        weight.assets[path] = gzip_size(_body(asset))
    for href in parser.images:
        path = _same_origin(base, href)
        if path:
            image = fetch.get(path)
            assert image.status_code == 200, f"{url} shows {path}, which answered {image.status_code}"
            weight.image_bytes += len(_body(image))  # images are already compressed
        elif path == "":
            weight.external.append(href)
    return weight


def write_catalog(locale_dir: Path, lang: str, strings: dict[str, str]) -> Path:
    """Write a compiled catalog for ``lang`` (a Django code: "id", "zh-hans") under ``locale_dir``.

    Returns the .mo path. Django reads it once ``locale_dir`` is in LOCALE_PATHS.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po
    from django.utils.translation import to_locale

    locale = to_locale(lang)
    catalog = Catalog(locale=locale.split("_")[0], charset="utf-8")
    for msgid, msgstr in strings.items():
        catalog.add(msgid, msgstr)
    target = locale_dir / locale / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "django.po").open("wb") as fh:
        write_po(fh, catalog)
    with (target / "django.mo").open("wb") as fh:
        write_mo(fh, catalog)
    return target / "django.mo"


def browser_login(page, live_server, user) -> None:
    """Log a Playwright page in as ``user``: a session made by Django's test client, handed to the
    page's browser context as its cookie (the one-time-code login has its own browser test)."""
    from django.conf import settings

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
