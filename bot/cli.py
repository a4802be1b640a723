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

from bot.config import Config, ConfigError, load_config
from corpus.parse import ArticleError

log = logging.getLogger(__name__)
PROG = "ecpat-bot"


class UsageError(ValueError):
    """Bad input on the command line (shown as one line, exit code 2)."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", help="config file (default: ./config.toml)")
    parser.add_argument("--article", metavar="PATH", help="article text file (default: ECPAT)")
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
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    _common(ask)
    repl = sub.add_parser("repl", help="ask questions interactively")
    _common(repl)
    telegram = sub.add_parser("telegram", help="run the Telegram bot (token in TELEGRAM_BOT_TOKEN)")
    _common(telegram)
    from bot import eval_cli  # eval and tune live next to the code they run (it imports us)

    eval_cli.register(sub, _common)
    return parser


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
    from bot.render import render_text, reply_json

    engine = Engine.from_config(config)
    reply = engine.ask(args.question)
    if reply.kind == "invalid":
        raise UsageError(reply.text)
    if args.json:
        print(json.dumps(reply_json(args.question, reply), ensure_ascii=False, indent=2))
    else:
        print(render_text(reply))
    return 0


def _repl(args: argparse.Namespace, config: Config) -> int:
    from bot import repl
    from bot.engine import Engine

    return repl.run(Engine.from_config(config), sys.stdin.isatty())


def _telegram(args: argparse.Namespace, config: Config) -> int:
    from bot import telegram  # imported here only: `ask` must not load python-telegram-bot

    return telegram.run(config)


COMMANDS = {"ask": _ask, "repl": _repl, "telegram": _telegram}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a terminal that can't show “ or › gets ?, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        config = config_from_args(args)
        handler = COMMANDS.get(args.command) or args.handler
        return handler(args, config)
    except (ConfigError, ArticleError, UsageError) as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left (`| head`): exit like a killed pipe writer
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def entry() -> None:
    sys.exit(main())
