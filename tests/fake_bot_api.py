"""A small Telegram Bot API server on 127.0.0.1 for end-to-end tests (stdlib only).

The real python-telegram-bot Application talks to it over HTTP through
``base_url``. It keeps updates with getUpdates offset semantics, records every
call, pushes updates to a webhook when one is set, validates everything the bot
sends with Telegram's rules (see ``fake_bot_api_rules``) and injects faults
(429 flood control, 502 gateway errors, dropped connections) on demand.
The methods live in ``fake_bot_api_methods``, the fault queue in ``fake_bot_api_faults``,
the HTTP/webhook/in-memory plumbing and request decoding in ``fake_bot_api_transport``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from fake_bot_api_faults import Fault, FaultInjection, error_response
from fake_bot_api_methods import BOT_ID, BOT_USERNAME, TOKEN, BotApiMethods
from fake_bot_api_rules import BadRequest
from fake_bot_api_transport import (
    HANG_UP,
    OfflineRequest,
    handler_class,
    post_update,
    request_params,
)


@dataclass
class Call:
    """One request the bot made, with the answer the fake server gave."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class _Server(ThreadingHTTPServer):
    """Like Telegram, takes a burst of connections (the default backlog of 5 resets some)."""

    daemon_threads = True
    request_queue_size = 512


class FakeBotApi(BotApiMethods, FaultInjection):
    """Thread-backed Bot API server; use as a context manager or call start()/stop()."""

    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.username = username
        self.bot_user = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "ECPAT bot",
            "username": username,
        }
        self.calls: list[Call] = []
        self.acknowledged_offsets: list[int] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self._pending: list[dict[str, Any]] = []
        self._next_update_id = 1000
        self._next_message_id = 1
        self._open_queries: set[str] = set()
        self._faults = {}
        self._held: set[str] = set()  # methods whose calls wait for release()
        self._drop_held = False
        self._cond = threading.Condition()
        self._closing = False
        self._server = _Server(("127.0.0.1", 0), handler_class(self))
        self._threads: list[threading.Thread] = []

    # -- lifecycle ---------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> FakeBotApi:
        targets = (lambda: self._server.serve_forever(poll_interval=0.05), self._push_webhook_loop)
        for target in targets:
            thread = threading.Thread(target=target, daemon=True, name="fake-bot-api")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests feed in -------------------------------------------------------
    def enqueue(self, update: dict[str, Any]) -> int:
        """Queue one update (without update_id); returns the update_id it was given."""
        with self._cond:
            update_id = self._next_update_id
            self._next_update_id += 1
            update = {"update_id": update_id, **update}
            for key in ("message", "edited_message"):
                if key in update:
                    self._remember_message(update[key])
            if "callback_query" in update:
                self._open_queries.add(update["callback_query"]["id"])
                if "message" in update["callback_query"]:
                    self._remember_message(update["callback_query"]["message"])
            if "inline_query" in update:
                self._open_queries.add(update["inline_query"]["id"])
            self._pending.append(update)
            self._cond.notify_all()
            return update_id

    def enqueue_raw(self, update: dict[str, Any]) -> None:
        """Queue an update exactly as given, ``update_id`` included (malformed ones too)."""
        with self._cond:
            self._pending.append(update)
            self._cond.notify_all()

    def hold(self, method: str) -> None:
        """Calls of ``method`` wait unanswered (as if Telegram never got them) until release()."""
        with self._cond:
            self._held.add(method)
            self._drop_held = False

    def release(self, drop: bool = False) -> None:
        """Answer held calls; ``drop``: hang up on them unrecorded, as a lost request."""
        with self._cond:
            self._held.clear()
            self._drop_held = drop
            self._cond.notify_all()

    def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Register an update as Telegram would and hand it out at once (for offline bots)."""
        update_id = self.enqueue(update)
        with self._cond:
            delivered = next(u for u in self._pending if u["update_id"] == update_id)
            self._pending.remove(delivered)
            return delivered

    # -- what tests read back -----------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent successfully (as Telegram stored them), oldest first."""
        with self._cond:
            return [
                c.response["result"]
                for c in self.calls
                if c.method == "sendMessage"
                and c.status == 200
                and "result" in c.response
                and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def rejected(self) -> list[Call]:
        """Calls answered 400 by a validation rule (never expected in a passing test)."""
        with self._cond:
            return [c for c in self.calls if c.status == 400]

    @property
    def pending_update_ids(self) -> list[int]:
        with self._cond:
            return [u["update_id"] for u in self._pending]

    def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
    ) -> None:
        """Block until predicate() holds; fail with a readable message after timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    methods = [c.method for c in self.calls][-15:]
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {what}; last calls: {methods}"
                    )
                self._cond.wait(min(left, 0.05))

    async def async_wait_for(
        self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
    ) -> None:
        """Like wait_for but without blocking an event loop that runs the bot."""
        await asyncio.to_thread(self.wait_for, predicate, timeout, what)

    def wait_for_sent(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        self.wait_for(
            lambda: len(self.sent(chat_id)) >= count,
            timeout,
            f"{count} message(s) to chat {chat_id}",
        )
        return self.sent(chat_id)

    async def async_wait_for_sent(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.wait_for_sent, chat_id, count, timeout)

    # -- internals ----------------------------------------------------------------
    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, bytes]:
        """Route one HTTP request; returns (status, JSON body)."""
        url = urlsplit(path)
        prefix = f"/bot{self.token}/"
        if not url.path.startswith(prefix):
            return 404, json.dumps(error_response(404, "Not Found")).encode()
        method = url.path[len(prefix) :]
        params = request_params(url.query, content_type, body)
        if method == "getUpdates":
            return self._get_updates(params)
        with self._cond:
            if method in self._held:
                while method in self._held and not self._closing:
                    self._cond.wait(0.05)
                if self._drop_held:
                    return HANG_UP, b""
            fault = self._take_fault(method)
            status, response = self._dispatch(method, params, fault)
            self.calls.append(Call(method, params, status, response))
            self._cond.notify_all()
        if fault is not None and fault.status == HANG_UP:
            return HANG_UP, b""
        if fault is not None and fault.body is not None:
            return fault.status, fault.body
        return status, json.dumps(response).encode()

    def _get_updates(self, params: dict[str, Any]) -> tuple[int, bytes]:
        with self._cond:
            fault = self._take_fault("getUpdates")
            if fault is not None:
                self.calls.append(Call("getUpdates", params, fault.status, fault.response()))
                self._cond.notify_all()
                if fault.status == HANG_UP:
                    return HANG_UP, b""
                html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
                return fault.status, fault.body or html
            if self.webhook is not None:
                response = error_response(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
                self.calls.append(Call("getUpdates", params, 409, response))
                return 409, json.dumps(response).encode()
            offset = int(params.get("offset") or 0)
            if offset > 0:
                self.acknowledged_offsets.append(offset)
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            limit = int(params.get("limit") or 100)
            deadline = time.monotonic() + float(params.get("timeout") or 0)
            while not self._pending and not self._closing and time.monotonic() < deadline:
                self._cond.wait(min(deadline - time.monotonic(), 0.05))
            result = self._pending[:limit]
            response = {"ok": True, "result": result}
            self.calls.append(Call("getUpdates", params, 200, response))
            self._cond.notify_all()
            return 200, json.dumps(response).encode()

    def _dispatch(
        self, method: str, params: dict[str, Any], fault: Fault | None
    ) -> tuple[int, dict[str, Any]]:
        if fault is not None:
            return fault.status, fault.response()
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, error_response(404, "Not Found: method not found")
        try:
            result = handler(params)
        except BadRequest as exc:
            return 400, error_response(400, exc.description)
        return 200, {"ok": True, "result": result}

    # -- webhook delivery ---------------------------------------------------------
    def _push_webhook_loop(self) -> None:
        """Deliver pending updates to the webhook one at a time, like Telegram."""
        while True:
            with self._cond:
                while not self._closing and (self.webhook is None or not self._pending):
                    self._cond.wait(0.05)
                if self._closing:
                    return
                webhook = dict(self.webhook)  # type: ignore[arg-type]
                update = self._pending[0]
            status = post_update(webhook, update)
            with self._cond:
                self.webhook_deliveries.append((update["update_id"], status))
                if status == 200 and self._pending and self._pending[0] is update:
                    self._pending.pop(0)
                self._cond.notify_all()
            if status != 200:
                time.sleep(0.1)


__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "Call", "FakeBotApi", "OfflineRequest"]
