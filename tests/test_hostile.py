"""One message costs a bounded amount of work and memory, whatever it holds.

Work is measured by what the process did (the typo corrector left unbuilt, cache sizes,
tracemalloc's peak) and, where time is the only measure, by generous process-time bounds.
"""

from __future__ import annotations

import time

from retrieval.answer_type import asked_kind


def test_how_much_said_over_and_over_costs_its_length() -> None:
    start = time.process_time()
    assert asked_kind("how much " * 2000) == "number"  # the old pattern took seconds here
    assert time.process_time() - start < 0.5
    assert asked_kind("how much did it cost") == "money"
    assert asked_kind("how much\nmoney") == "number"  # the money word must be on its line
