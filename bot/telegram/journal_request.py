"""The ``getUpdates`` transport, journaling each response before PTB sees it.

Polling acknowledges updates to Telegram with the offset of its next ``getUpdates`` call, so
what a response holds must be on disk before that call. The update queue
(:class:`~bot.telegram.persistence.JournalingQueue`) guarantees it update by update; this
wrapper journals the whole response in one transaction first, so that under load a batch of
a hundred updates costs one disk flush instead of a hundred. Any other request, and a
response it cannot read, passes through untouched (the queue then journals update by update).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.telegram.persistence import JournalingQueue

log = logging.getLogger(__name__)


class JournalingRequest(BaseRequest):
    """Wraps the transport ``inner`` used for ``getUpdates``."""

    def __init__(self, inner: BaseRequest, queue: JournalingQueue) -> None:
        self.inner = inner
        self.queue = queue

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if code == 200 and url.endswith("/getUpdates"):
            updates = _updates(payload)
            if updates:
                try:
                    await self.queue.journal_batch(updates)
                except Exception as exc:  # the queue journals them one by one, or stops polling
                    log.warning("Could not journal %d updates at once: %s", len(updates), exc)
        return code, payload


def _updates(payload: bytes) -> list[tuple[int, str]]:
    """The updates of a ``getUpdates`` response with an integer ``update_id``, as JSON."""
    try:
        data = json.loads(payload)
    except ValueError:
        return []
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, list):
        return []
    out = []
    for item in result:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if isinstance(update_id, int) and not isinstance(update_id, bool):
            out.append((update_id, json.dumps(item, ensure_ascii=False, separators=(",", ":"))))
    return out
