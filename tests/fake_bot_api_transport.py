"""How the fake server is reached: over HTTP, by webhook pushes, or in memory.

The in-memory ``OfflineRequest`` is PTB's transport replaced: an offline bot whose
requests reach the same fake (and its rules) without sockets, timestamped the instant
the bot sends them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from fake_bot_api import FakeBotApi

FORM = "application/x-www-form-urlencoded"
HANG_UP = 0  # pseudo status: close the connection without answering

# Parameters PTB sends JSON-encoded inside form fields; every other value is a plain string.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "link_preview_options",
        "results",
        "commands",
        "allowed_updates",
        "reply_parameters",
        "scope",
        "button",
        "disable_notification",
        "drop_pending_updates",
        "show_alert",
        "is_personal",
        "protect_content",
        "max_connections",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "message_id",
        "message_thread_id",
    }
)


def _coerce(name: str, value: str) -> Any:
    if name == "chat_id":
        return int(value) if value.lstrip("-").isdigit() else value
    if name in _JSON_FIELDS:
        return json.loads(value)
    return value


def request_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """A request's parameters from its query string and its JSON or form body."""
    params: dict[str, Any] = {k: _coerce(k, v) for k, v in parse_qsl(query)}
    if body and content_type.startswith("application/json"):
        params.update(json.loads(body))
    elif body:
        text = body.decode()
        params.update({k: _coerce(k, v) for k, v in parse_qsl(text, keep_blank_values=True)})
    return params


def handler_class(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    """A request handler bound to ``api`` (HTTP/1.0: one request per connection)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self._answer(api.handle(self.path, self.headers.get("Content-Type", ""), body))

        def do_GET(self) -> None:
            self._answer(api.handle(self.path, "", b""))

        def _answer(self, result: tuple[int, bytes]) -> None:
            status, payload = result
            if status == HANG_UP:  # a network error: close without any response
                self.close_connection = True
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            # The client may have given up (e.g. a long poll cancelled at shutdown).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Silence per-request logging; the calls list is the record."""

    return Handler


def post_update(webhook: dict[str, Any], update: dict[str, Any]) -> int:
    """POST one update to the webhook as Telegram does; the HTTP status, or 0 if unreachable."""
    headers = {"Content-Type": "application/json"}
    if webhook.get("secret_token"):
        headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
    request = urllib.request.Request(
        webhook["url"], json.dumps(update).encode(), headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


class OfflineRequest(BaseRequest):
    """PTB transport that hands requests straight to a FakeBotApi: an offline bot, no sockets."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        body = urlencode(request_data.json_parameters).encode() if request_data else b""
        path = urlsplit(url).path
        if path.endswith("/getUpdates"):  # a long poll blocks: keep it off the event loop
            status, payload = await asyncio.to_thread(self.api.handle, path, FORM, body)
        else:
            status, payload = self.api.handle(path, FORM, body)  # timestamped as the bot sends
        if status == HANG_UP:
            raise ConnectionResetError("the fake Bot API closed the connection")
        return status, payload
