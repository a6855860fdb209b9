"""In a real browser, with JavaScript on and off: the page speaks Indonesian first and the
language switcher changes it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("English", "en"), ("简体中文", "zh-hans"), ("Bahasa Indonesia", "id")]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_switch_language_with_and_without_javascript(live_server, new_page, javascript):
    # A browser asking for a language we do not offer gets Indonesian, the default.
    page = new_page(javascript=javascript, locale="fr-FR")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator('.lang button[aria-current="true"]').inner_text() == "Bahasa Indonesia"
    # htmx arrives as an enhancement when JavaScript runs, and is simply absent when it does not.
    assert page.evaluate("typeof window.htmx") == ("object" if javascript else "undefined")

    for label, code in LANGUAGES:
        page.get_by_role("button", name=label).click()
        page.wait_for_url(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == code
        assert page.locator('.lang button[aria-current="true"]').inner_text() == label

    # The choice sticks: a later visit comes back in the last language chosen.
    page.get_by_role("button", name="English").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/no-such-page/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_home_is_usable_at_320_pixels(live_server, new_page):
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(live_server.url + "/")
    # Nothing forces a sideways scroll on a small phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
