"""Message templates render in each language the platform speaks, and fit in one SMS."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from lumbung.notify.models import OutboxMessage
from lumbung.notify.services import message_queue

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_login_code_sms_renders_in_every_language(language):
    with translation.override(language):
        body = render_to_string("notify/sms/login_code.txt", {"code": "482913"}).strip()
    assert "482913" in body
    assert "{{" not in body and "{%" not in body
    if set(body) <= GSM_BASIC:  # GSM-7 text: one SMS is 160 characters
        assert len(body) <= 160
    else:  # UCS-2 (Chinese): one SMS is 70 characters, a long one is split; keep it short
        assert len(body) <= 140


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en", "zh-hans"])
def test_queued_message_keeps_its_language(language):
    message = message_queue(
        to="+6281234567890", template="login_code", context={"code": "777111"}, language=language
    )
    row = OutboxMessage.objects.get(pk=message.pk)
    assert row.language == language and "777111" in row.body and row.template == "login_code"
