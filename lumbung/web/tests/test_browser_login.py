"""A villager logs in with a one-time code read from the outbox, then reads the site in three languages."""

import re

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.notify.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _latest_code(phone: str) -> str:
    message = OutboxMessage.objects.filter(to=phone, template="login_code").order_by("-id").first()
    assert message is not None, "no login code in the outbox"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_login_by_code_then_switch_language(live_server, new_page, javascript):
    user = UserFactory(phone="+6281234567890", name="Siti Aminah", language="id")
    page = new_page(javascript=javascript)

    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.fill("input[name=phone]", "0812-3456-7890")  # written the way villagers write it
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/code/**")

    page.fill("input[name=code]", _latest_code(user.phone))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login" not in page.url
    # Logged in: the header offers the account page and logging out instead of logging in.
    assert page.locator("header form[action='/accounts/logout/'] button").count() == 1
    assert page.locator("header a[href='/accounts/login/']").count() == 0

    page.locator("form.lang button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("form.lang button[value=en]").get_attribute("aria-current") == "true"

    page.locator("form.lang button[value=zh-hans]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # The choice sticks on the next page.
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_a_wrong_code_does_not_log_in(live_server, page):
    UserFactory(phone="+6281234567891", language="id")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=phone]", "081234567891")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/code/**")
    real = _latest_code("+6281234567891")
    wrong = "000000" if real != "000000" else "111111"
    page.fill("input[name=code]", wrong)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/code/" in page.url
    assert page.locator("header a[href='/accounts/login/']").count() == 1
