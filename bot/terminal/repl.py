"""The interactive prompt: a loop that reads lines and hands each to a callback.

The loop knows nothing about retrieval; ``Session.handle`` knows nothing about terminals.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

from bot.config import HISTORY_ENV
from bot.engine import Conversation, Engine
from bot.terminal.render import render_hits, render_text

PROMPT = "ecpat> "
HELP = """Ask a question about the article, or:
  :more     the next passage for the last question
  :sources  the references behind the last answer
  :why      the ranked passages (with scores) for the last question
  :help     this help
  :quit     leave (Ctrl-D and Ctrl-C work too)"""


class Session:
    """One REPL conversation with the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conversation = Conversation()

    def handle(self, line: str) -> str | None:
        """The text to print for ``line``; None means leave."""
        command = line.strip()
        if command in (":quit", ":q", ":exit"):
            return None
        if command in (":help", ":h", ":?"):
            return HELP
        if command == ":why":
            last = self.conversation.last
            return render_hits(last.answer.hits) if last else "Ask a question first."
        if command.startswith(":") and command not in (":more", ":sources"):
            return f"Unknown command {command}. Type :help for the list."
        if not command:
            return ""
        reply, self.conversation = self.engine.reply(self.conversation, command)
        return render_text(reply)


def _enable_history() -> None:
    """Line editing and a history file when talking to a real terminal."""
    try:
        import readline
    except ImportError:  # pragma: no cover - platforms without readline
        return
    path = Path(os.environ.get(HISTORY_ENV, "~/.ecpat_bot_history")).expanduser()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)

    atexit.register(save)


def loop(
    respond: Callable[[str], str | None],
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    banner: str = "",
) -> int:
    """Read-respond-print until :quit, end of input (Ctrl-D) or Ctrl-C; returns 0."""
    if banner:
        write(banner)
    while True:
        try:
            line = read(PROMPT)
        except (EOFError, KeyboardInterrupt):
            write("")
            return 0
        out = respond(line)
        if out is None:
            return 0
        if out:
            write(out)


def wrap(text: str, width: int) -> str:
    """``text`` with each line wrapped at word boundaries to ``width`` columns, continuation
    lines indented like the line they continue (citations stay readable); URLs and other long
    words are never split."""
    out = []
    for line in text.splitlines() or [""]:
        indent = line[: len(line) - len(line.lstrip())]
        out.append(
            textwrap.fill(
                line,
                width,
                subsequent_indent=indent + ("    " if indent else ""),
                break_long_words=False,
                break_on_hyphens=False,
            )
            if len(line) > width
            else line
        )
    return "\n".join(out)


def run(engine: Engine, interactive: bool) -> int:
    """Wire a session to the terminal; history, line editing and wrapping to the terminal's
    width only for a real one (piped output stays one line per line, for scripts)."""
    write: Callable[[str], None] = print
    if interactive:
        _enable_history()

        def write(text: str) -> None:
            print(wrap(text, max(20, shutil.get_terminal_size().columns - 1)))

    title = engine.title
    banner = f"Ask me about “{title}”. Type :help for commands, Ctrl-D to leave."
    return loop(Session(engine).handle, write=write, banner=banner)
