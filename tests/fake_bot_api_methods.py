"""The Bot API methods the fake server implements, each checked by Telegram's rules.

A mixin so the server core (updates, faults, transport) stays short; the state it reads
and writes lives on the server.
"""

from __future__ import annotations

import time
from typing import Any

from fake_bot_api_rules import (
    CHAT_ACTIONS,
    MAX_CALLBACK_ANSWER_LENGTH,
    BadRequest,
    check_commands,
    check_inline_results,
    check_message_text,
    check_reply_markup,
)

TOKEN = "123456789:TEST-token_value-for-tests-only-AAA"
BOT_ID = 123456789
BOT_USERNAME = "ecpat_test_bot"


class BotApiMethods:
    """``_api_<method>(params)`` returns the result or raises BadRequest (answered as 400)."""

    bot_user: dict[str, Any]
    chats: dict[int, dict[str, Any]]
    messages: dict[tuple[int, int], dict[str, Any]]
    commands: list[dict[str, Any]]
    webhook: dict[str, Any] | None
    _pending: list[dict[str, Any]]
    _next_message_id: int
    _open_queries: set[str]

    def _remember_message(self, message: dict[str, Any]) -> None:
        chat = message["chat"]
        self.chats[chat["id"]] = chat
        self.messages[(chat["id"], message["message_id"])] = message

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise BadRequest("chat not found")
        return chat

    # -- Bot API methods ----------------------------------------------------------
    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.bot_user, "can_join_groups": True, "supports_inline_queries": True}

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        if not str(params.get("url", "")).startswith(("http://127.0.0.1", "https://")):
            raise BadRequest("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "pending_update_count": len(self._pending),
        }

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        check_commands(params.get("commands"))
        self.commands = list(params["commands"])
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands

    def _api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands = []
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise BadRequest("wrong parameter action in request")
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        parsed = check_message_text(params.get("text"), params.get("parse_mode"))
        check_reply_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters")
        replied = reply and (chat["id"], reply.get("message_id")) in self.messages
        if reply and not replied and not reply.get("allow_sending_without_reply"):
            raise BadRequest("message to be replied not found")
        message: dict[str, Any] = {
            "message_id": self._next_message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            "text": parsed.text,
        }
        self._next_message_id += 1
        if parsed.entities:
            message["entities"] = parsed.entities
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if replied:
            message["reply_to_message"] = self.messages[(chat["id"], reply["message_id"])]
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        old = self.messages.get((chat["id"], params.get("message_id")))  # type: ignore[arg-type]
        if old is None or old.get("from", {}).get("id") != BOT_ID:
            raise BadRequest("message to edit not found")
        parsed = check_message_text(params.get("text"), params.get("parse_mode"))
        check_reply_markup(params.get("reply_markup"))
        new = {
            **old,
            "text": parsed.text,
            "entities": parsed.entities,
            "edit_date": int(time.time()),
        }
        if params.get("reply_markup"):
            new["reply_markup"] = params["reply_markup"]
        else:
            new.pop("reply_markup", None)
        if (new["text"], new["entities"], new.get("reply_markup")) == (
            old["text"],
            old.get("entities", []),
            old.get("reply_markup"),
        ):
            raise BadRequest(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self.messages[(chat["id"], old["message_id"])] = new
        return new

    def _close_query(self, query_id: Any) -> None:
        if query_id not in self._open_queries:
            raise BadRequest("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if len(str(params.get("text", ""))) > MAX_CALLBACK_ANSWER_LENGTH:
            raise BadRequest("MESSAGE_TOO_LONG")
        self._close_query(params.get("callback_query_id"))
        return True

    def _api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        check_inline_results(params.get("results"))
        self._close_query(params.get("inline_query_id"))
        return True

    def _api_close(self, params: dict[str, Any]) -> bool:
        return True

    def _api_logOut(self, params: dict[str, Any]) -> bool:
        return True
