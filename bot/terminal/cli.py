"""``ecpat-bot``: the command line. Parses flags, builds the config and engine, dispatches.

Every expected failure (bad config, missing article, empty question) becomes one line on
stderr and exit code 2; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from bot.config import Config, load_config
from bot.errors import USER_ERRORS, UsageError

log = logging.getLogger(__name__)
PROG = "ecpat-bot"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", help="config file (default: ./config.toml)")
    parser.add_argument(
        "--article",
        metavar="PATH",
        action="append",
        help="article text file, or folder of .txt articles; repeat for more (default: ECPAT)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    parser.add_argument(
        "--no-cache", action="store_true", help="build the index; neither read nor write its cache"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Answers questions about the Wikipedia article on ECPAT, with citations.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    ask = sub.add_parser("ask", help="answer one question")
    # One or more words, so `ecpat-bot ask when was ECPAT founded` works without quotes.
    ask.add_argument("question", nargs="+", help="the question (quotes optional)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    _common(ask)
    repl = sub.add_parser("repl", help="ask questions interactively")
    _common(repl)
    telegram = sub.add_parser("telegram", help="run the Telegram bot (token in TELEGRAM_BOT_TOKEN)")
    _common(telegram)
    from bot.evaluation import (
        eval_cli,  # eval and tune live next to the code they run (it imports us)
    )

    eval_cli.register(sub, _common)
    for command in sub.choices.values():  # a wrong flag is reported with its command's usage
        command.set_defaults(command_parser=command)
    return parser


def warn(message: str) -> None:
    """A one-line warning on stderr, in the same form as the one-line errors."""
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def config_from_args(args: argparse.Namespace, **overrides: object) -> Config:
    """The config of the command line's flags; ``overrides``: more ``table.key`` values."""
    flags = {"article.path": args.article, "cache.enabled": "false" if args.no_cache else None}
    return load_config(args.config, {**flags, **overrides})


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def _ask(args: argparse.Namespace, config: Config) -> int:
    from bot.engine import Engine
    from bot.terminal.render import render_text, reply_json

    question = " ".join(args.question)
    engine = Engine.from_config(config)
    reply = engine.ask(question)
    if reply.kind == "invalid":
        raise UsageError(reply.text)
    if args.json:
        print(json.dumps(reply_json(question, reply), ensure_ascii=False, indent=2))
    else:
        print(render_text(reply))
    return 0


def _repl(args: argparse.Namespace, config: Config) -> int:
    from bot.engine import Engine
    from bot.terminal import repl

    return repl.run(Engine.from_config(config), sys.stdin.isatty())


def _telegram(args: argparse.Namespace, config: Config) -> int:
    from bot.telegram import app  # imported here only: `ask` must not load python-telegram-bot

    return app.run(config)


COMMANDS = {"ask": _ask, "repl": _repl, "telegram": _telegram}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a terminal that can't show “ or › gets ?, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # argparse would blame the top-level usage; the command's own is more useful
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    _setup_logging(args.verbose)
    try:
        config = config_from_args(args)
        handler = COMMANDS.get(args.command) or args.handler
        return handler(args, config)
    except USER_ERRORS as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left (`| head`): exit like a killed pipe writer
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def entry() -> None:
    sys.exit(main())
