"""JSON text from a question file, read so that no input ends the run with a traceback."""

from __future__ import annotations

import json
from typing import Any


def loads(text: str) -> Any:
    """``json.loads``, every failure a one-line ValueError.

    Besides bad syntax, ``json`` raises a plain ValueError for a number of more than 4,300
    digits and RecursionError for brackets nested thousands deep; in a question set each must
    be one bad line, reported with the others, not the end of the run.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        where = f"line {err.lineno}, " if err.lineno > 1 else ""
        raise ValueError(f"not valid JSON ({err.msg}, {where}column {err.colno})") from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deeply)") from None
    except ValueError as err:
        raise ValueError(f"not valid JSON ({str(err).partition(':')[0]})") from None
