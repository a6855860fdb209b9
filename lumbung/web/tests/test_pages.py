"""The base layout, the home page, the language switcher and the weight of every page."""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from lumbung.web.testing import CSS_BUDGET, HTML_BUDGET, PAGE_BUDGET, gzip_size, page_weight

STATIC = Path(__file__).resolve().parents[1] / "static" / "web"

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(rb'<html lang="([^"]+)"', response.content).group(1).decode()


@pytest.mark.parametrize(
    "accept,lang",
    [
        (None, "id"),
        ("id-ID,id;q=0.9", "id"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("fr-FR,fr;q=0.9", "id"),
    ],
)
def test_html_lang_follows_the_browsers_language_with_indonesian_by_default(client, accept, lang):
    headers = {"accept-language": accept} if accept else {}
    response = client.get(reverse("web:home"), headers=headers)
    assert response.status_code == 200
    assert html_lang(response) == lang


@pytest.mark.parametrize("lang", ["id", "en", "zh-hans"])
def test_language_switcher_works_as_a_plain_form(client, settings, lang):
    home = client.get(reverse("web:home"), headers={"accept-language": "en"})
    assert b'action="/i18n/setlang/"' in home.content
    for label in ("Bahasa Indonesia", "English", "简体中文"):
        assert label.encode() in home.content

    response = client.post(
        "/i18n/setlang/", {"language": lang, "next": "/?from=switcher"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/?from=switcher"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == lang

    again = client.get("/?from=switcher", headers={"accept-language": "en"})
    assert html_lang(again) == lang
    assert re.search(rf'value="{lang}"[^>]*aria-current="true"'.encode(), again.content)


def test_page_text_follows_the_language(client, extra_translations):
    extra_translations(
        {"id": {"Skip to content": "Langsung ke isi"}, "zh-hans": {"Skip to content": "跳到正文"}}
    )
    assert "Langsung ke isi" in client.get("/").content.decode()
    assert "跳到正文" in client.get("/", headers={"accept-language": "zh-CN"}).content.decode()
    assert "Skip to content" in client.get("/", headers={"accept-language": "en"}).content.decode()


def test_base_layout_has_skip_link_nav_and_login(client):
    content = client.get("/").content.decode()
    assert '<a class="skip" href="#main">' in content and '<main id="main"' in content
    assert f'href="{reverse("accounts:login")}"' in content
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in content


def test_demo_notice_only_in_demo(client, settings):
    settings.LUMBUNG_ENV = "demo"
    assert b"/notify/outbox/" in client.get("/").content
    settings.LUMBUNG_ENV = "production"
    assert b"/notify/outbox/" not in client.get("/").content


def test_every_entry_point_links_to_its_page(client):
    from lumbung.web.views import ENTRY_POINTS

    content = client.get("/", headers={"accept-language": "en"}).content.decode()
    for entry in ENTRY_POINTS:
        assert f'href="{entry.url}"' in content


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.hrefs.append(href)


def test_every_link_on_the_home_page_leads_somewhere(client):
    parser = _Hrefs()
    parser.feed(client.get("/").content.decode())
    assert parser.hrefs
    for href in set(parser.hrefs):
        status = client.get(href).status_code
        assert status in (200, 302), f"{href} answered {status}"


def test_unknown_page_uses_the_site_layout(client):
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert b"Page not found" in response.content and b'class="lang"' in response.content


@pytest.mark.parametrize("url,status", [("/", 200), ("/no-such-page/", 404)])
def test_first_visit_fits_the_2g_budget(url, status):
    weight = page_weight(Client(), url, expect_status=status)
    assert weight.external == []
    assert "/static/web/htmx.min.js" in weight.assets and "/static/web/lumbung.css" in weight.assets
    assert weight.html <= HTML_BUDGET, weight.report()
    assert weight.total <= PAGE_BUDGET, weight.report()


def test_page_weight_counts_what_the_page_links(client):
    weight = page_weight(client, "/")
    css = (STATIC / "lumbung.css").read_bytes()
    assert weight.assets["/static/web/lumbung.css"] == gzip_size(css)
    assert weight.total == weight.html + sum(weight.assets.values())
    assert weight.html < weight.html_raw  # the page really went out gzip-compressed


def test_stylesheet_fits_its_budget():
    assert gzip_size((STATIC / "lumbung.css").read_bytes()) <= CSS_BUDGET


def test_committed_htmx_matches_its_recorded_checksum():
    recorded = dict(
        line.split("=", 1)
        for line in (STATIC / "htmx.VERSION").read_text().splitlines()
        if line and not line.startswith("#")
    )
    data = (STATIC / "htmx.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == recorded["sha256"]
    assert recorded["version"].startswith("2.")
    assert f'version:"{recorded["version"]}"'.encode() in data


def test_htmx_is_deferred_and_pages_carry_no_inline_script(client):
    content = client.get("/").content.decode()
    assert re.search(r'<script src="/static/web/htmx.min.js" defer></script>', content)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content)


def test_signed_in_nav_offers_account_and_a_post_logout(client):
    from lumbung.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(name="Siti Aminah"))
    content = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert f'href="{reverse("accounts:profile")}">My account</a>' in content
    assert re.search(rf'<form method="post" action="{reverse("accounts:logout")}"', content)
    assert ">Log in<" not in content

    client.post(reverse("accounts:logout"))
    assert ">Log in<" in client.get("/", headers={"accept-language": "en"}).content.decode()
