"""The village marketplace end to end, in Chromium, through the real pages only.

A seller logs in with a code from the outbox, opens a shop, lists banana chips with two variants and a
photo, asks for publication and is told, in Indonesian, that the PIRT certificate is missing; uploads
it. An inspector, in a browser of their own, verifies it and the product goes on sale. A buyer finds
it with JavaScript off and on, and reads the price the Indonesian way.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Product, ProductStatus, Shop
from lumbung.notify.models import OutboxMessage
from lumbung.quality.models import Certificate, CertificateStatus, RequirementGroup, Standard
from lumbung.quality.seed import STANDARDS
from lumbung.regions.tests.factories import village as make_village

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME_ID = "Keripik Pisang Kepok"
NAME_EN = "Kepok banana chips"
PIRT_NUMBER = "P-IRT 2067204011234-29"

# The gate's sentences as the seller reads them in Indonesian. Installed for the test (the same
# wording as lumbung/locale/id), so the test proves the page follows the seller's language without
# depending on compiled catalogs.
INDONESIAN = {
    "%(standards)s certificate for “%(product)s” is missing.": (
        "Sertifikat %(standards)s untuk “%(product)s” belum ada."
    ),
    "%(standard)s certificate for “%(product)s” is waiting for an inspector to verify it.": (
        "Sertifikat %(standard)s untuk “%(product)s” sedang menunggu diverifikasi oleh pemeriksa mutu."
    ),
}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Photos and certificates go to a throw-away directory, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LUMBUNG_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


# --- helpers -----------------------------------------------------------------------------------------
def _pirt() -> Standard:
    # Seeded by quality's data migration; an earlier transactional test may have flushed the table.
    row = next(r for r in STANDARDS if r["code"] == "PIRT")
    standard, _ = Standard.objects.get_or_create(
        code="PIRT", defaults={k: v for k, v in row.items() if k != "code"}
    )
    return standard


def _jpeg(path):
    image = Image.new("RGB", (320, 240))
    image.putdata([((x * 3) % 256, (y * 5) % 256, (x + y) % 256) for y in range(240) for x in range(320)])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def _pdf(path):
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return path


def _latest_code(phone: str) -> str:
    message = OutboxMessage.objects.filter(to=phone, template="login_code").order_by("-id").first()
    assert message is not None, "no login code in the outbox"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _log_in(page, base: str, user, *, then: str) -> None:
    """Open a members-only page, get sent to the login, log in with the SMS code, land back there."""
    page.goto(base + then)
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=phone]", user.phone)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/code/**")
    page.fill("input[name=code]", _latest_code(user.phone))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + then)
    assert page.locator("header form[action='/accounts/logout/'] button").count() == 1


def _submit(page, form_selector: str) -> None:
    """Press the form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button").first.click()


def _messages(page) -> str:
    return page.locator("ul.messages").inner_text() if page.locator("ul.messages").count() else ""


# --- the journey -------------------------------------------------------------------------------------
def test_a_seller_lists_an_inspector_verifies_and_a_buyer_finds_it(
    live_server, page, new_page, page_nojs, tmp_path, extra_translations
):
    extra_translations({"id": INDONESIAN})
    base = live_server.url
    desa = make_village(name="Desa Sidera")
    seller = UserFactory(phone="+6281311110001", name="Ibu Wayan", language="id", village=desa)
    household = OrganisationFactory(kind=OrganisationKind.HOUSEHOLD, name="Rumah Ibu Wayan", village=desa)
    Membership.objects.create(user=seller, organisation=household, role=Role.OWNER)
    chips = catalog_services.category_create(slug="keripik", name_id="Keripik", name_en="Chips")
    RequirementGroup.objects.create(category=chips).standards.set([_pirt()])

    inspector = UserFactory(phone="+6281311110002", name="Pak Made", language="id", village=desa)
    desk = OrganisationFactory(kind=OrganisationKind.TRADE_DESK, name="Meja Ekspor Sulteng", village=desa)
    Membership.objects.create(user=inspector, organisation=desk, role=Role.QUALITY_INSPECTOR)

    product = _seller_lists_the_product(page, base, seller, chips, tmp_path)
    _seller_is_blocked_then_uploads_the_certificate(page, base, product, tmp_path)
    _buyer_does_not_find_it_yet(page_nojs, base)
    _inspector_verifies_the_certificate(new_page(), base, inspector, product)

    # The seller sees it on sale on their own page.
    page.goto(f"{base}/quality/products/{product.public_id}/")
    assert page.locator("main .msg.success").count() == 1
    assert page.locator("ul.missing li").count() == 0

    _buyer_finds_it(page_nojs, base, "keripik pisang", product)
    _buyer_finds_it(new_page(javascript=True), base, "pisang kepok", product)


def _seller_lists_the_product(page, base, seller, chips, tmp_path) -> Product:
    _log_in(page, base, seller, then="/seller/")

    # No shop yet: open one for the household.
    page.locator("main a[href='/seller/shops/new/']").click()
    page.wait_for_url("**/seller/shops/new/")
    assert page.locator("select[name=organisation] option").all_inner_texts() == ["Rumah Ibu Wayan"]
    page.fill("input[name=name]", "Keripik Ibu Wayan")
    page.fill("textarea[name=story_id]", "Keripik pisang kepok buatan rumah dari Desa Sidera.")
    _submit(page, "main form")
    shop = Shop.objects.get(name="Keripik Ibu Wayan")
    assert page.url == f"{base}/seller/shops/{shop.public_id}/"
    assert shop.organisation.name == "Rumah Ibu Wayan"

    # The product with its first variant, priced the way villagers write it.
    page.locator(f"main a[href='/seller/shops/{shop.public_id}/products/new/']").first.click()
    page.wait_for_url("**/products/new/")
    page.select_option("select[name=category]", "keripik")
    page.fill("input[name=name_id]", NAME_ID)
    page.fill("input[name=name_en]", NAME_EN)
    page.fill("textarea[name=description_id]", "Renyah, tanpa pengawet.")
    page.select_option("select[name=unit]", "pack")
    page.fill("input[name=sku]", "KPK-250")
    page.fill("input[name=label]", "250 g")
    page.fill("input[name=price]", "25.000")
    page.fill("input[name=stock]", "40")
    page.fill("input[name=weight_grams]", "300")
    _submit(page, "main form")
    product = Product.objects.get(shop=shop)
    assert page.url == f"{base}/seller/products/{product.public_id}/"
    assert page.locator("main h1").inner_text() == NAME_ID

    # A second variant, from the "Add a variant" fold.
    page.locator("main details summary").click()
    page.fill("form[action$='/variants/'] input[name=sku]", "KPK-500")
    page.fill("form[action$='/variants/'] input[name=label]", "500 g")
    page.fill("form[action$='/variants/'] input[name=price]", "Rp 45.000")
    page.fill("form[action$='/variants/'] input[name=stock]", "12")
    page.fill("form[action$='/variants/'] input[name=weight_grams]", "560")
    _submit(page, "form[action$='/variants/']")
    assert page.url == f"{base}/seller/products/{product.public_id}/"
    skus = page.locator("form[action*='/seller/variants/'] p strong").all_inner_texts()
    assert skus == ["KPK-250", "KPK-500"]
    assert "Rp25.000" in page.locator("main").inner_text()
    assert "Rp45.000" in page.locator("main").inner_text()

    # A photo straight from the phone.
    page.set_input_files("form[action$='/photos/'] input[name=photo]", str(_jpeg(tmp_path / "keripik.jpg")))
    page.fill("form[action$='/photos/'] input[name=alt_text]", "Keripik dalam kemasan 250 g")
    _submit(page, "form[action$='/photos/']")
    assert page.url == f"{base}/seller/products/{product.public_id}/"
    assert page.locator("main img[alt='Keripik dalam kemasan 250 g']").count() == 1

    product.refresh_from_db()
    assert product.status == ProductStatus.PENDING and not product.is_published
    assert [(v.sku, v.price_amount, v.stock) for v in product.variants.order_by("id")] == [
        ("KPK-250", 25000, 40),
        ("KPK-500", 45000, 12),
    ]
    assert product.photos.count() == 1
    return product


def _seller_is_blocked_then_uploads_the_certificate(page, base, product, tmp_path) -> None:
    page.goto(f"{base}/quality/products/{product.public_id}/")
    _submit(page, "form[action$='/request/']")
    assert page.url == f"{base}/quality/products/{product.public_id}/"
    assert page.locator("ul.messages .msg.warning").count() == 1, _messages(page)
    # Exactly one thing is missing, said in Indonesian with the product's Indonesian name.
    missing = page.locator("ul.missing li")
    assert missing.all_inner_texts() == [f"Sertifikat PIRT untuk “{NAME_ID}” belum ada."]
    assert missing.first.get_attribute("data-codes") == "PIRT"
    product.refresh_from_db()
    assert not product.is_published

    page.locator(f"main a[href='/quality/certificates/?product={product.public_id}']").click()
    page.wait_for_url("**/quality/certificates/?product=*")
    form = "main form[enctype='multipart/form-data']"
    # The shop and the product are already chosen for the seller.
    assert page.locator(f"{form} select[name=product]").input_value() == product.public_id
    assert page.locator(f"{form} select[name=shop]").input_value() == product.shop.public_id
    today = timezone.localdate()
    page.select_option(f"{form} select[name=standard]", "PIRT")
    page.fill(f"{form} input[name=number]", PIRT_NUMBER)
    page.fill(f"{form} input[name=issued_on]", (today - timedelta(days=30)).isoformat())
    page.fill(f"{form} input[name=expires_on]", (today + timedelta(days=5 * 365)).isoformat())
    page.set_input_files(f"{form} input[name=file]", str(_pdf(tmp_path / "sppirt.pdf")))
    _submit(page, form)
    assert page.url == f"{base}/quality/certificates/"
    assert PIRT_NUMBER in _messages(page)
    assert page.locator("main table tbody tr").count() == 1
    cert = Certificate.objects.get(number=PIRT_NUMBER)
    assert cert.status == CertificateStatus.SUBMITTED and cert.product_id == product.pk
    assert cert.content_type == "application/pdf"

    # Still blocked, and the page now says why: waiting for an inspector.
    page.goto(f"{base}/quality/products/{product.public_id}/")
    assert page.locator("ul.missing li").all_inner_texts() == [
        f"Sertifikat PIRT untuk “{NAME_ID}” sedang menunggu diverifikasi oleh pemeriksa mutu."
    ]


def _buyer_does_not_find_it_yet(page, base) -> None:
    page.goto(f"{base}/search/?q=keripik+pisang")
    assert page.locator("main ul.cards li").count() == 0
    assert page.locator("main p.notice").count() == 1


def _inspector_verifies_the_certificate(page, base, inspector, product) -> None:
    _log_in(page, base, inspector, then="/quality/review/")
    cert = Certificate.objects.get(number=PIRT_NUMBER)
    link = page.locator(f"main a[href='/quality/review/certificates/{cert.public_id}/']")
    assert link.inner_text() == f"PIRT {PIRT_NUMBER}"
    link.click()
    page.wait_for_url(f"**/quality/review/certificates/{cert.public_id}/")
    assert page.locator("main h1").inner_text() == f"PIRT {PIRT_NUMBER}"
    with page.expect_navigation():
        page.locator("main button[name=action][value=verify]").click()
    assert page.url == f"{base}/quality/review/"
    assert page.locator("ul.messages .msg.success").count() == 1, _messages(page)
    # The queue is empty again.
    assert page.locator(f"main a[href='/quality/review/certificates/{cert.public_id}/']").count() == 0

    cert.refresh_from_db()
    assert cert.status == CertificateStatus.VERIFIED and cert.verified_by_id == inspector.pk
    product.refresh_from_db()
    assert product.is_published and product.status == ProductStatus.PUBLISHED


def _buyer_finds_it(page, base, words: str, product) -> None:
    page.goto(f"{base}/search/")
    page.fill("form[role=search] input[name=q]", words)
    _submit(page, "form[role=search] .actions")
    assert "/search/?" in page.url and "q=" in page.url
    cards = page.locator("main ul.cards li.card")
    assert cards.count() == 1
    assert cards.first.locator("h3").inner_text() == NAME_ID
    # Two variants: the card gives the lower price.
    assert "Rp25.000" in cards.first.locator(".price").inner_text()

    with page.expect_navigation():
        cards.first.locator(f"a[href='/p/{product.public_id}/']").click()
    assert page.url == f"{base}/p/{product.public_id}/"
    assert page.locator("main h1").inner_text() == NAME_ID
    assert page.locator("main td.price").all_inner_texts() == ["Rp25.000", "Rp45.000"]
    assert page.locator("main .badge.ok", has_text="PIRT").count() == 1  # the verified certificate
    assert page.locator("main img[alt='Keripik dalam kemasan 250 g']").count() == 1
    assert "Keripik Ibu Wayan" in page.locator("main dl.facts").inner_text()
    assert "Desa Sidera" in page.locator("main dl.facts").inner_text()
