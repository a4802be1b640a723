"""Garbage collection around building and serving an index of many small objects.

An article's index is millions of small objects (each passage and sentence, the question
analyser's vocabulary; the evidence facts are arrays, :mod:`retrieval.fact_table`). CPython's
cyclic collector walks every tracked container on each full collection, and while an index is
built the allocations trigger such collections again and again, over a heap that only grows: at
20,000 passages that was a quarter of the build. None of these objects form cycles that need
collecting, so the collector is paused while building and, once the engine is built for
serving, the heap is frozen (``gc.freeze``) so later collections, which questions trigger, skip
it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic collector off inside the block (left as it was found after)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def freeze() -> None:
    """Move everything alive now out of the collector's reach (see the module docstring)."""
    gc.freeze()
