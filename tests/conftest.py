"""Shared fixtures: the shipped article, one engine over it, and the real ``python -m bot``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # plain `pytest` as well as `python -m pytest`
    sys.path.insert(0, str(ROOT))

from bot.config import Config  # noqa: E402
from bot.engine import Engine  # noqa: E402
from corpus import Article, load_article  # noqa: E402

# A second, hand-written article in the same plain-text layout as the shipped one.
SMALL_ARTICLE = """Lighthouse Keepers Guild

From Wikipedia, the free encyclopedia
Lighthouse Keepers Guild
Founded 1871
Type Guild

The Lighthouse Keepers Guild is a fictional association of people who keep lamps burning.[1] \
It was founded in Port Ellis by twelve keepers.[2]

History[edit]

The guild opened its first training school in 1902, teaching lamp care and signal codes.[3] \
By 1950 the school had trained more than 400 keepers.

  1. ^ "About the guild". lighthouse-guild.org. Retrieved 2020-01-01.
  2. ^ Harbour Gazette (1871). "Twelve keepers meet".
  3. ^ https://example.org/guild/school
"""


def _clean_env() -> dict[str, str]:
    """This process's environment without any ECPAT_BOT_* setting, with the repo importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECPAT_BOT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="session", autouse=True)
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test (nor any ``python -m bot`` it starts) writes to the real user cache folder."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(scope="session")
def article() -> Article:
    return load_article()


@pytest.fixture(scope="session")
def engine(article: Article) -> Engine:
    return Engine(article, Config())


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder and no ECPAT_BOT_* variables: only built-in defaults apply."""
    for name in list(os.environ):
        if name.startswith("ECPAT_BOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def small_article(tmp_path: Path) -> Path:
    path = tmp_path / "guild.txt"
    path.write_text(SMALL_ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def bot_env() -> dict[str, str]:
    """Environment for a child ``python -m bot``: the repo importable, no ECPAT_BOT_*."""
    return _clean_env()


@pytest.fixture
def run_bot(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m bot ARGS`` in an empty folder (so the repo's config.toml is not read)."""

    def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env={**_clean_env(), **env},
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )

    return run
