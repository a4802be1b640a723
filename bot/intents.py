"""Recognising messages that are not questions: small talk and conversation commands.

Matched on the whole normalised message, so "thanks" is small talk but "thanks to which
partner did ECPAT grow?" is a question.
"""

from __future__ import annotations

import re
import unicodedata

_PATTERNS: dict[str, str] = {
    "more": r"(?:tell me )?more(?: please)?|next(?: one)?|go on|continue|anything else|what else"
    r"|show me more|more info(?:rmation)?|keep going",
    "sources": r"sources?|references?|citations?|cite|where is (?:that|this) from|where(?:'s| is) "
    r"(?:that|this|it) from|where did you (?:get|find) (?:that|this)|what(?:'s| is) (?:the|your) "
    r"sources?|show (?:me )?(?:the )?sources?",
    "greeting": r"(?:hi|hello|hey|hiya|howdy|greetings|yo|good (?:morning|afternoon|evening|day))"
    r"(?: there| bot| again)?",
    "thanks": r"(?:thanks?|thank you|thx|ty|cheers|much appreciated|great|cool|ok|okay|nice)"
    r"(?: (?:so|very) much| a lot| again| for (?:that|the help|your help))?(?: thanks)?",
    "identity": r"who are you|what are you|are you (?:a )?(?:bot|human|robot|real)|what(?:'s| is) "
    r"your name|who (?:made|built|created) you",
    "help": r"help|what can you do|what do you know|how does (?:this|it) work|what can i ask"
    r"(?: you)?|what should i ask|commands|start|menu|what are you for",
    "bye": r"bye|goodbye|good bye|see you|see ya|farewell|good night",
}
_COMPILED = {name: re.compile(rf"(?:{pattern})") for name, pattern in _PATTERNS.items()}


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    text = re.sub(r"^[/:!]", "", text.strip())  # "/more", ":sources" from the front ends
    text = re.sub(r"@\w+", " ", text)
    text = re.sub(r"[^\w' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def intent(text: str) -> str | None:
    """The intent name when the whole message is small talk or a command, else None."""
    norm = _normalise(text)
    if not norm:
        return None
    for name, pattern in _COMPILED.items():
        if pattern.fullmatch(norm):
            return name
    return None
