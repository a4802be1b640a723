"""Errors the fake server answers on purpose: a test asks for the next calls of a method to fail.

Kept apart from the server so the fault bookkeeping and Telegram's error body are written once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from fake_bot_api_transport import HANG_UP


def error_response(
    status: int, description: str, parameters: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Telegram's body for a failed call."""
    response: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        response["parameters"] = parameters
    return response


GARBAGE = b"<html><body>upstream says hello</body></html>"


@dataclass
class Fault:
    """The error the next ``remaining`` calls of one method get; ``body``, if set, is sent
    as is instead of Telegram's JSON error (HTML from a proxy, garbage)."""

    status: int
    description: str
    parameters: dict[str, Any] | None
    remaining: int
    body: bytes | None = None

    def response(self) -> dict[str, Any]:
        return error_response(self.status, self.description, self.parameters)


class FaultInjection:
    """``fail_next`` and its shorthands; the server takes a queued fault before answering."""

    _faults: dict[str, list[Fault]]
    _cond: threading.Condition

    def fail_next(
        self,
        method: str,
        count: int = 1,
        status: int = 502,
        description: str = "Bad Gateway",
        parameters: dict[str, Any] | None = None,
        body: bytes | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with an error."""
        with self._cond:
            self._faults.setdefault(method, []).append(
                Fault(status, description, parameters, count, body)
            )

    def hang_up_next(self, method: str, count: int = 1) -> None:
        """The next calls of ``method`` get no response at all (a dropped connection)."""
        self.fail_next(method, count, HANG_UP, "connection closed")

    def garble_next(self, method: str, count: int = 1, status: int = 200) -> None:
        """The next calls of ``method`` get a body that is not JSON (a broken proxy)."""
        self.fail_next(method, count, status, "garbage", body=GARBAGE)

    def flood_next_send_message(self, count: int = 1, retry_after: int = 1) -> None:
        """Telegram's flood control: 429 with parameters.retry_after."""
        self.fail_next(
            "sendMessage",
            count,
            429,
            f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
        )

    def fail_next_get_updates(self, count: int = 1) -> None:
        """The next getUpdates calls get a 502 with an HTML body, as a proxy would send."""
        self.fail_next("getUpdates", count, 502, "Bad Gateway")

    def hang_up_next_get_updates(self, count: int = 1) -> None:
        """The next getUpdates calls get no response at all (a network error)."""
        self.fail_next("getUpdates", count, HANG_UP, "connection closed")

    def _take_fault(self, method: str) -> Fault | None:
        faults = self._faults.get(method)
        if not faults:
            return None
        fault = faults[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            faults.pop(0)
        return fault
