"""The fake Bot API server itself: its Telegram rules and its update/offset bookkeeping.

If the fake accepted what Telegram refuses, every end-to-end test would pass for the
wrong reason; these tests pin the rules down.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from fake_bot_api_html import parse_html
from fake_bot_api_rules import (
    BadRequest,
    check_commands,
    check_inline_results,
    check_message_text,
    check_reply_markup,
)
from fake_bot_api_updates import text_message


@pytest.mark.parametrize(
    "html",
    [
        "plain text",
        "<b>bold</b> and <i>it</i> <u>u</u> <s>s</s> <code>x</code> <pre>y</pre>",
        '<a href="https://en.wikipedia.org/wiki/ECPAT">ECPAT</a>',
        "a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &#39; &#x27;",
        "<b>nested <i>ok</i></b>",
        '<pre><code class="language-python">x = 1</code></pre>',
        '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler>',
        "<blockquote expandable>long</blockquote>",
        "<a href='https://x.org/?a=1&amp;b=2'>single quotes</a>",
    ],
)
def test_valid_html_is_accepted(html: str) -> None:
    parse_html(html)


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ("1 < 2", "Unsupported start tag"),
        ("a & b", "Character entity expected"),
        ("&nbsp;", "Character entity expected"),
        ("x > y", "Unescaped '>'"),
        ("<br>", 'Unsupported start tag "br"'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b>open", "Can't find end tag"),
        ("close</b>", "Unmatched end tag"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("<a>no href</a>", "Empty URL"),
        ('<span class="x">s</span>', "tg-spoiler"),
        ("<code><b>x</b></code>", "can't be nested"),
        ('<a href="u"><a href="v">x</a></a>', "Nested links"),
        ("<b", "Unclosed start tag"),
    ],
)
def test_invalid_html_is_refused_like_telegram(html: str, why: str) -> None:
    with pytest.raises(BadRequest) as err:
        parse_html(html)
    assert err.value.description.startswith("Bad Request: can't parse entities")
    assert why in err.value.description


def test_entities_use_utf16_offsets_and_decoded_text() -> None:
    parsed = parse_html('😀 <b>a&amp;b</b> <a href="https://e.org/?x=1&amp;y=2">L</a>')
    assert parsed.text == "😀 a&b L"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "text_link", "offset": 7, "url": "https://e.org/?x=1&y=2", "length": 1},
    ]


def test_length_is_counted_after_entity_parsing_in_utf16_units() -> None:
    check_message_text("<b>" + "x" * 4096 + "</b>", "HTML")
    check_message_text("&amp;" * 4096, "HTML")
    with pytest.raises(BadRequest, match="message is too long"):
        check_message_text("x" * 4097, None)
    with pytest.raises(BadRequest, match="message is too long"):
        check_message_text("😀" * 2049, None)  # 4098 UTF-16 units


@pytest.mark.parametrize("text", ["", "   \n\t", "<b> </b>", None])
def test_empty_text_is_refused(text: Any) -> None:
    with pytest.raises(BadRequest, match="message text is empty"):
        check_message_text(text, "HTML")


def test_markup_commands_and_inline_results_rules() -> None:
    check_reply_markup({"inline_keyboard": [[{"text": "More", "callback_data": "more"}]]})
    with pytest.raises(BadRequest, match="BUTTON_DATA_INVALID"):
        check_reply_markup({"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]})
    with pytest.raises(BadRequest, match="BUTTON_TEXT_INVALID"):
        check_reply_markup({"inline_keyboard": [[{"text": " ", "callback_data": "d"}]]})
    check_commands([{"command": "start", "description": "Say hello"}])
    with pytest.raises(BadRequest, match="BOT_COMMAND_INVALID"):
        check_commands([{"command": "Start", "description": "x"}])
    article = {
        "type": "article",
        "id": "1",
        "title": "t",
        "input_message_content": {"message_text": "a < b", "parse_mode": "HTML"},
    }
    with pytest.raises(BadRequest, match="can't parse entities"):
        check_inline_results([article])
    with pytest.raises(BadRequest, match="RESULT_ID_DUPLICATE"):
        plain = {**article, "input_message_content": {"message_text": "ok"}}
        check_inline_results([plain, plain])


def _call(api: FakeBotApi, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    body = urllib.parse.urlencode(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    ).encode()
    request = urllib.request.Request(f"{api.base_url}{TOKEN}/{method}", body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        payload = exc.read()
        try:
            return exc.code, json.loads(payload)
        except ValueError:
            return exc.code, {"raw": payload.decode()}


@pytest.mark.e2e
def test_get_updates_offsets_acknowledge_and_long_poll() -> None:
    with FakeBotApi() as api:
        first = api.enqueue(text_message(7, "hello"))
        second = api.enqueue(text_message(7, "again"))
        status, body = _call(api, "getUpdates", timeout=0)
        assert status == 200
        assert [u["update_id"] for u in body["result"]] == [first, second]
        _, body = _call(api, "getUpdates", offset=second, timeout=0)
        assert [u["update_id"] for u in body["result"]] == [second]
        assert api.pending_update_ids == [second]
        started = time.monotonic()
        _, body = _call(api, "getUpdates", offset=second + 1, timeout=0.3)
        assert body["result"] == []
        assert time.monotonic() - started >= 0.25, "getUpdates must long-poll until timeout"
        assert api.acknowledged_offsets == [second, second + 1]
        assert api.pending_update_ids == []


@pytest.mark.e2e
def test_faults_429_then_502_then_normal_service() -> None:
    with FakeBotApi() as api:
        api.enqueue(text_message(7, "hi"))
        api.flood_next_send_message(1, retry_after=3)
        api.fail_next_get_updates()
        status, body = _call(api, "sendMessage", chat_id=7, text="x")
        assert (status, body["parameters"]) == (429, {"retry_after": 3})
        assert _call(api, "sendMessage", chat_id=7, text="x")[0] == 200
        status, body = _call(api, "getUpdates", timeout=0)
        assert status == 502 and "Bad Gateway" in body["raw"]
        assert _call(api, "getUpdates", timeout=0)[0] == 200


@pytest.mark.e2e
def test_sending_to_an_unknown_chat_or_bad_html_is_a_400() -> None:
    with FakeBotApi() as api:
        assert _call(api, "sendMessage", chat_id=99, text="x")[1]["description"] == (
            "Bad Request: chat not found"
        )
        api.enqueue(text_message(7, "hi"))
        status, body = _call(api, "sendMessage", chat_id=7, text="<x>", parse_mode="HTML")
        assert status == 400
        assert body["description"].startswith("Bad Request: can't parse entities")
        assert len(api.rejected()) == 2


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_real_ptb_bot_requests_are_understood() -> None:
    """PTB encodes parameters as form fields with JSON inside; the fake must decode them."""
    from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest as PtbBadRequest

    with FakeBotApi() as api:
        api.enqueue(text_message(7, "hi"))
        async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
            assert bot.username == api.username
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
            sent = await bot.send_message(
                7, "<b>a &amp; b</b>", parse_mode="HTML", reply_markup=markup
            )
            assert sent.text == "a & b"
            assert sent.entities[0].type == "bold"
            assert api.sent(7)[0]["reply_markup"] == markup.to_dict()
            with pytest.raises(PtbBadRequest, match="parse entities"):
                await bot.send_message(7, "a < b", parse_mode="HTML")
