"""The state store's journal and its writer thread, on a real SQLite file."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.telegram.store import (
    MAX_ATTEMPTS,
    Store,
    count_attempt,
    finish_update,
    record_updates,
    take_unfinished,
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "state.sqlite3")
    yield store
    store.close()


def test_the_journal_knows_what_it_holds_and_what_was_handled(store: Store) -> None:
    assert store.submit(record_updates([(1, "{}"), (2, "{}")])).result() == []
    assert store.submit(record_updates([(2, "{}"), (3, "{}")])).result() == [2]
    store.submit(finish_update(1, (7, lambda: '{"saved": 1}'))).result()
    assert [i for i, _ in store.submit(take_unfinished).result()] == [2, 3]
    assert store.submit(record_updates([(1, "{}")])).result() == [1], "handled: still known"
    rows = store.submit(lambda db: list(db.execute("SELECT * FROM chats"))).result()
    assert [(chat, text) for chat, text, _ in rows] == [(7, '{"saved": 1}')]
    body = store.submit(lambda db: db.execute("SELECT body FROM updates WHERE update_id = 1"))
    assert body.result().fetchone() == (None,), "a handled update's text is not kept"


def test_an_update_begun_at_every_start_is_given_up(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.submit(record_updates([(5, "{}"), (6, "{}")])).result()
    for _ in range(MAX_ATTEMPTS):
        assert [i for i, _ in store.submit(take_unfinished).result()] == [5, 6]
        store.submit(count_attempt(5)).result()  # it began, and the bot died
    with caplog.at_level(logging.WARNING):
        assert [i for i, _ in store.submit(take_unfinished).result()] == [6]
    assert "Giving up on updates [5]" in caplog.text


def test_a_failing_job_leaves_the_others_of_its_transaction_alone(store: Store) -> None:
    gate = threading.Event()
    blocker = store.submit(lambda db: gate.wait(5))  # queue the next three behind it
    good = store.submit(record_updates([(10, "{}")]))
    bad = store.submit(lambda db: db.execute("INSERT INTO nowhere VALUES (1)"))
    also_good = store.submit(record_updates([(11, "{}")]))
    gate.set()
    assert blocker.result() is True
    assert good.result() == [] and also_good.result() == []
    with pytest.raises(sqlite3.OperationalError):
        bad.result()
    assert [i for i, _ in store.submit(take_unfinished).result()] == [10, 11]


def test_a_closed_store_refuses_jobs(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.submit(take_unfinished).result()
