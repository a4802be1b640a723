"""The time one message may take, and what stops work on it when it runs out.

One engine serves every chat, so a message that takes seconds holds up everyone else's. A
:class:`Deadline` is set when a message arrives; the pipeline calls :meth:`Deadline.check`
between its stages and inside the loops whose length the message decides (one per word of
the question, one per candidate). A check is one clock read and a comparison, so it costs
nothing a normal question would notice; when the time is up it raises :class:`OverBudget`,
and :meth:`retrieval.pipeline.Pipeline.answer` declines with :attr:`Reason.OVER_BUDGET`
rather than working on. The limits on message length and on typo correction keep hostile
messages cheap in the first place; the deadline is the backstop for what they miss.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


class OverBudget(Exception):
    """A message used up its time; ``stage`` says where the work stopped."""

    def __init__(self, stage: str) -> None:
        super().__init__(f"out of time in {stage}")
        self.stage = stage


@dataclass(frozen=True)
class Deadline:
    """A point on the monotonic clock (``time.perf_counter``) after which work stops."""

    at: float

    @classmethod
    def after(cls, ms: float, start: float | None = None) -> Deadline | None:
        """The deadline ``ms`` milliseconds after ``start`` (now); None when ``ms`` is 0:
        no limit."""
        if ms <= 0:
            return None
        return cls((time.perf_counter() if start is None else start) + ms / 1000)

    def check(self, stage: str) -> None:
        """Raise :class:`OverBudget` when the deadline has passed."""
        if time.perf_counter() > self.at:
            raise OverBudget(stage)


def check(deadline: Deadline | None, stage: str) -> None:
    """:meth:`Deadline.check` when there is a deadline at all."""
    if deadline is not None:
        deadline.check(stage)
