"""Telegram handlers: thin adapters between updates and the one conversational engine.

Each chat's :class:`Conversation` lives in ``context.chat_data`` so PTB persistence keeps
it across restarts. Groups are answered only when the bot is addressed
(:mod:`bot.telegram.addressing`). Everything the bot says goes through
:mod:`bot.telegram.html`, so every message is valid Telegram HTML, and is sent by
:mod:`bot.telegram.sending`; :mod:`bot.telegram.gate` decides who is served. The engine runs
in a worker thread, so a slow question never stalls the event loop and the other chats.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.answer import Article
from bot.config import TelegramConfig
from bot.engine import Conversation, Engine, Reply
from bot.telegram.addressing import addressed_text, is_group, readable
from bot.telegram.gate import Gate, budgeted
from bot.telegram.html import Piece, link, reference_list, render_lines, render_reply
from bot.telegram.limits import period_seconds
from bot.telegram.sending import Sender, apologise, transient

log = logging.getLogger(__name__)

CONVERSATION = "conversation"  # key in context.chat_data
COMMANDS = (
    BotCommand("start", "What I know, with example questions"),
    BotCommand("help", "How to ask me questions"),
    BotCommand("about", "The article I answer from, with its link"),
    BotCommand("sources", "The article's reference list"),
    BotCommand("more", "More on the last question"),
    BotCommand("reset", "Forget this conversation"),
)
BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("More", callback_data="more"),
            InlineKeyboardButton("Sources", callback_data="sources"),
        ]
    ]
)
READS_TEXT = "I can only read text questions. Please type your question about {title}."
NO_CHAT = "Open a chat with me to see more."
Context = ContextTypes.DEFAULT_TYPE


class Handlers:
    """The bot's behaviour; one instance per Application, methods registered as callbacks."""

    def __init__(self, engine: Engine, settings: TelegramConfig) -> None:
        self.engine = engine
        self.settings = settings
        self.sender = Sender(settings.send_retries, settings.send_retry_seconds)
        self.gate_keeper = Gate(settings, self.sender)

    # -- start-up and gatekeeping --------------------------------------------------------
    async def post_init(self, application: Application) -> None:  # type: ignore[type-arg]
        """Register the command menu with Telegram (run by run_polling/run_webhook)."""
        await application.bot.set_my_commands(list(COMMANDS))
        log.info("Bot @%s is ready; command menu registered", application.bot.username)

    async def gate(self, update: Update, context: Context) -> None:
        """Stop updates from chats outside ``allowed_chat_ids`` before any handler runs."""
        if not self.gate_keeper.allowed(update):
            raise ApplicationHandlerStop

    # -- commands --------------------------------------------------------------------------
    @budgeted
    async def start(self, update: Update, context: Context) -> None:
        topics = self._topics()
        lines: list[str | Piece] = [
            f"Hello! I answer questions about {self._articles()}, "
            "and I say which section and footnotes each answer comes from.",
            "",
            "I know about: " + "; ".join(topics) + "." if topics else "",
            "",
            "Try asking:",
            *(f"• {q}" for q in self._examples()),
            "",
            "Commands: /help /about /sources /more /reset",
        ]
        await self.sender.send(update, render_lines(lines))

    @budgeted
    async def help(self, update: Update, context: Context) -> None:
        username = context.bot.username
        lines = [
            "Ask me a question about the article in plain words and I'll answer with the "
            "sentence that answers it and its source.",
            "",
            "Under an answer: “More” shows the next passage, “Sources” its references.",
            "/more – more on the last question",
            "/sources – the article's reference list",
            "/about – the article and its link",
            "/reset – start a fresh conversation",
            "",
            f"In groups, mention me (@{username}) or reply to one of my messages.",
            f"In any chat, type @{username} and a question to share an answer.",
        ]
        await self.sender.send(update, render_lines(lines))

    @budgeted
    async def about(self, update: Update, context: Context) -> None:
        engine = self.engine
        article, url = engine.article, engine.url
        lead = next((p for p in article.passages if p.section == "Lead"), None)
        summary = lead.sentences[0].text if lead and lead.sentences else ""
        several = len(engine.collection.articles) > 1
        lines: list[str | Piece] = [f"I answer from {self._articles()}."]
        lines.append("" if several else summary)
        if several:
            for each in engine.collection.articles:
                each_url = engine.url_for(each)
                lines.append(link(each.title, each_url) if each_url else each.title)
        elif url:
            lines.append(link("Read the article on Wikipedia", url))
        lines.append("Article text: CC BY-SA 4.0, by the Wikipedia contributors.")
        await self.sender.send(update, render_lines([line for line in lines if line]))

    @budgeted
    async def sources(self, update: Update, context: Context) -> None:
        await self.sender.send(update, reference_list(self._current(context)))

    @budgeted
    async def more(self, update: Update, context: Context) -> None:
        turn = await asyncio.to_thread(self.engine.more, self._conversation(context))
        await self._answer(update, context, turn)

    @budgeted
    async def reset(self, update: Update, context: Context) -> None:
        context.chat_data[CONVERSATION] = Conversation()  # type: ignore[index]
        done = "Done: I've forgotten our conversation. Ask away!"
        await self.sender.send(update, render_lines([done]))

    async def unknown_command(self, update: Update, context: Context) -> None:
        message = update.message
        if message is None or message.text is None:
            return
        if (
            is_group(message.chat)
            and f"@{context.bot.username}".casefold() not in message.text.casefold()
        ):
            return  # a command for another bot
        if await self.gate_keeper.admit(update):
            await self.sender.send(update, render_lines(["I don't know that command. Try /help."]))

    # -- questions, buttons, inline, media --------------------------------------------------
    async def question(self, update: Update, context: Context) -> None:
        message = update.message
        if message is None or message.from_user is None:
            return
        text = addressed_text(message, context.bot.id, context.bot.username)
        if text is None:
            return  # group chatter not addressed to the bot
        if not await self.gate_keeper.admit(update):
            return
        if text.strip() and not await self.gate_keeper.admit_question(update):
            return
        await self._typing(update, context)
        turn = await asyncio.to_thread(self.engine.reply, self._conversation(context), text)
        await self._answer(update, context, turn)

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None or not await self.gate_keeper.admit(update):
            return
        if query.message is None or update.effective_chat is None:
            await query.answer(NO_CHAT)  # a button under an inline result: no chat to answer in
            return
        await query.answer()
        step = self.engine.sources if query.data == "sources" else self.engine.more
        await self._answer(
            update, context, await asyncio.to_thread(step, self._conversation(context))
        )

    async def inline(self, update: Update, context: Context) -> None:
        query = update.inline_query
        if query is None or not await self.gate_keeper.admit(update):
            return
        text = readable(query.query).strip()
        if not text:
            await query.answer([], cache_time=300)
            return
        reply = await asyncio.to_thread(self.engine.ask, text)
        found = reply.kind == "answer"
        title = reply.text if found else "The article doesn't say"
        result = InlineQueryResultArticle(
            id=hashlib.sha256(text.encode()).hexdigest()[:32],
            title=title if len(title) <= 60 else title[:59] + "…",
            description=(reply.text[:120] if found else "Try another question about the article"),
            input_message_content=InputTextMessageContent(
                render_reply(reply)[0],
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
        )
        await query.answer([result], cache_time=60)

    async def media(self, update: Update, context: Context) -> None:
        message = update.message
        if message is None:
            return
        if addressed_text(message, context.bot.id, context.bot.username) is None:
            return
        if await self.gate_keeper.admit(update):
            note = READS_TEXT.format(title=self.engine.title)
            await self.sender.send(update, render_lines([note]))

    async def error(self, update: object, context: Context) -> None:
        """Log any handler error with its traceback; tell the user politely, without internals.

        Flood control that outlasts ``flood_retries`` and network failures are load or
        outages, not bugs: one line each (how long Telegram asked the bot to wait; the error).
        """
        error = context.error
        if isinstance(error, RetryAfter):
            log.warning(
                "Telegram's flood control held a message back after %d retries (retry after %g s)",
                self.settings.flood_retries,
                period_seconds(error.retry_after),
            )
        elif transient(error):
            log.warning("Telegram could not be reached: %s", error)
        else:
            log.error("Error while handling an update", exc_info=error)
        if isinstance(update, Update) and update.effective_chat is not None:
            await apologise(update.effective_chat)

    # -- helpers ---------------------------------------------------------------------------
    def _topics(self) -> list[str]:
        """The article's own sections (the lead and infobox are not topics a user asks for);
        for a collection, its articles' titles."""
        if len(self.engine.collection.articles) > 1:
            return list(self.engine.collection.titles)
        return [s for s in self.engine.article.sections if s not in ("Lead", "Infobox")]

    def _articles(self) -> str:
        """“the Wikipedia article “T”” or, for a collection, the articles' titles."""
        titles = self.engine.collection.titles
        if len(titles) == 1:
            return f"the Wikipedia article “{titles[0]}”"
        return "the Wikipedia articles " + ", ".join(f"“{t}”" for t in titles)

    def _current(self, context: Context) -> Article:
        """The article of the chat's last answer (/sources lists its references), else the
        first one."""
        last = self._conversation(context).last
        citation = last.answer.citation if last is not None else None
        if citation is not None and citation.article in self.engine.collection.titles:
            return self.engine.collection.article(citation.article)
        return self.engine.article

    def _examples(self) -> list[str]:
        examples = list(self.engine.examples)
        examples += [
            f"What does the article say about {t[:1].lower() + t[1:]}?" for t in self._topics()
        ]
        return (examples or ["What is this article about?"])[:3]

    @staticmethod
    def _conversation(context: Context) -> Conversation:
        data = context.chat_data
        conversation = data.get(CONVERSATION) if data is not None else None
        return conversation if isinstance(conversation, Conversation) else Conversation()

    @staticmethod
    async def _typing(update: Update, context: Context) -> None:
        """Best effort: a missing "typing…" is not worth an error message."""
        if update.effective_chat is None:
            return
        try:
            await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        except TelegramError as exc:
            log.debug("No typing action for chat %s: %s", update.effective_chat.id, exc)

    async def _answer(
        self, update: Update, context: Context, turn: tuple[Reply, Conversation]
    ) -> None:
        """Keep the chat's new conversation, then send the reply (buttons under cited answers)."""
        reply, conversation = turn
        if context.chat_data is not None:
            context.chat_data[CONVERSATION] = conversation
        answer = reply.answer
        cited = answer is not None and answer.citation is not None and not answer.abstained
        buttons = BUTTONS if reply.kind in ("answer", "more") and cited else None
        await self.sender.send(update, render_reply(reply), buttons)
