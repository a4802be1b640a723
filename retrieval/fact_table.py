"""Every passage's evidence facts in a few flat arrays, instead of Python sets per sentence.

Why: held as :class:`~retrieval.evidence.PassageFacts` (frozensets and tuples per sentence),
an article's facts took about 10 KB a passage, most of the engine's memory at 100,000
passages, and pickled and loaded as millions of small objects. Here every term is a number
(one shared vocabulary) and each kind of fact is one array of term ids with row bounds
(compressed sparse rows), the way :mod:`retrieval.bm25` keeps its postings:

* per passage: its sentences (``sentences[p]:sentences[p + 1]``) and the terms it holds
  (``held``);
* per adjacent term pair (ids into one sorted table of pairs): the passages holding it
  (``pair_docs``), so phrase evidence and its ceiling read a question pair's passages directly;
* per sentence: its own terms (``own``), whether it carries the one before on, and the kinds
  of answer it can give and the subject it defines (codes into small tables of distinct sets);
* only for a sentence whose opening pronoun stands for an earlier subject: its resolved terms.

Scoring many passages reads these arrays directly (:mod:`retrieval.batch`);
:meth:`FactTable.passage` rebuilds one passage's :class:`PassageFacts` when a caller wants the
sets (the few passages an answer is chosen from), keeping the last few in a bounded cache.
Ids are kept in each set's own iteration order, so a rebuilt set is the set that was stored.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from itertools import pairwise

import numpy as np

from retrieval.evidence import PassageFacts

_CACHED = 256  # rebuilt passages kept (a question reads a handful; memory stays flat)
_UNSAVED = ("_cache", "_every")  # rebuilt when asked for, never pickled


class FactTable:
    """The facts of every passage of an article, as arrays (see the module docstring)."""

    __slots__ = (
        "_cache",
        "_every",
        "continuing",
        "define_codes",
        "define_sets",
        "held",
        "held_bounds",
        "ids",
        "own",
        "own_bounds",
        "pair_doc_bounds",
        "pair_docs",
        "pair_keys",
        "resolved",
        "resolved_bounds",
        "resolved_sentences",
        "sentences",
        "terms",
        "type_codes",
        "type_sets",
    )

    def __init__(self, facts: Iterable[PassageFacts]) -> None:
        build = _Builder()
        for f in facts:
            build.add(f)
        build.finish(self)
        self._cache: dict[int, PassageFacts] = {}
        self._every: tuple[PassageFacts, ...] | None = None

    def __len__(self) -> int:
        return len(self.sentences) - 1

    def __getstate__(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__ if name not in _UNSAVED}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._cache = {}
        self._every = None

    def term_ids(self, terms: Iterable[str]) -> list[int]:
        """The ids of ``terms`` (-1 for a term no passage holds)."""
        get = self.ids.get
        return [get(t, -1) for t in terms]

    def pair_id(self, a: str, b: str) -> int:
        """The id of the adjacent pair (a, b) in ``pair_keys``, or -1 when no passage has it."""
        ia, ib = self.ids.get(a), self.ids.get(b)
        if ia is None or ib is None:
            return -1
        key = ia * len(self.terms) + ib
        at = int(np.searchsorted(self.pair_keys, key))
        return at if at < len(self.pair_keys) and int(self.pair_keys[at]) == key else -1

    def pair_docs_of(self, pair: int) -> np.ndarray:
        """The passages holding the pair with id ``pair`` (ascending)."""
        return self.pair_docs[self.pair_doc_bounds[pair] : self.pair_doc_bounds[pair + 1]]

    def pair_set(self) -> AbstractSet[tuple[str, str]]:
        """Every adjacent pair of the article, as a read-only set of (term, term) (a frozenset
        on a small article, where it is faster to read and takes little memory)."""
        return frozenset(PairSet(self)) if len(self) <= _CACHED else PairSet(self)

    def held_terms(self, doc: int, among: AbstractSet[int] | None = None) -> frozenset[str]:
        """The terms passage ``doc`` holds, its heading's included; with ``among`` (term ids),
        at least those of them (cheaper on a large article: a passage holds dozens of terms, a
        question asks about a few)."""
        if self._every is not None:
            return self._every[doc].held
        found = self._cache.get(doc)
        if found is not None:
            return found.held
        terms = self.terms
        ids = self.held[self.held_bounds[doc] : self.held_bounds[doc + 1]].tolist()
        if among is not None:
            return frozenset([terms[i] for i in ids if i in among])
        return frozenset([terms[i] for i in ids])

    def every_passage(self) -> tuple[PassageFacts, ...] | None:
        """Every passage's facts as sets, on a small article (all of them stay cached: read by
        position, they are faster than through :meth:`passage`); None on a large one."""
        if self._every is None and len(self) <= _CACHED:
            self._every = tuple(self.passage(doc) for doc in range(len(self)))
        return self._every

    def passage(self, doc: int) -> PassageFacts:
        """Passage ``doc``'s facts as sets, equal to those it was built from."""
        if self._every is not None:
            return self._every[doc]
        found = self._cache.get(doc)
        if found is None:
            found = self._rebuild(doc)
            if len(self._cache) >= _CACHED:
                del self._cache[next(iter(self._cache))]  # the oldest
            self._cache[doc] = found
        return found

    def _rebuild(self, doc: int) -> PassageFacts:
        terms = self.terms
        pairs: AbstractSet[tuple[str, str]] = PassagePairs(self, doc)
        if len(self) <= _CACHED:  # every passage stays cached: sets are faster to read
            pairs = frozenset(pairs)
        first, last = int(self.sentences[doc]), int(self.sentences[doc + 1])
        bounds = self.own_bounds[first : last + 1].tolist()
        flat = self.own[bounds[0] : bounds[-1]].tolist()
        base = bounds[0]
        own = tuple(
            frozenset([terms[i] for i in flat[a - base : b - base]]) for a, b in pairwise(bounds)
        )
        resolved = list(own)
        at = int(np.searchsorted(self.resolved_sentences, first))
        stop = int(np.searchsorted(self.resolved_sentences, last))
        for r in range(at, stop):
            s = int(self.resolved_sentences[r])
            ids = self.resolved[self.resolved_bounds[r] : self.resolved_bounds[r + 1]].tolist()
            resolved[s - first] = frozenset([terms[i] for i in ids])
        return PassageFacts(
            held=self.held_terms(doc),
            own=own,
            resolved=tuple(resolved),
            antecedents=tuple(
                (i, added) for i, stream in enumerate(resolved) if (added := stream - own[i])
            ),
            continuing=tuple(self.continuing[first:last].tolist()),
            bigrams=pairs,
            types=tuple(self.type_sets[c] for c in self.type_codes[first:last].tolist()),
            defines=tuple(self.define_sets[c] for c in self.define_codes[first:last].tolist()),
        )


class PairSet:
    """Membership in an article's adjacent term pairs, read from its :class:`FactTable`."""

    __slots__ = ("_table",)

    def __init__(self, table: FactTable) -> None:
        self._table = table

    def __contains__(self, pair: object) -> bool:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            return False
        return self._table.pair_id(*pair) >= 0

    def __len__(self) -> int:
        return len(self._table.pair_keys)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        terms, size = self._table.terms, len(self._table.terms)
        return ((terms[k // size], terms[k % size]) for k in self._table.pair_keys.tolist())


class PassagePairs(AbstractSet[tuple[str, str]]):
    """One passage's adjacent term pairs, read from the table when asked (rarely: the sets
    are made only for the passages an answer is chosen from, and few of those read pairs).
    Membership is a binary search in the pair's passages; listing them all reads every pair's
    passages, which only a small article's cached sets and tests do."""

    __slots__ = ("_doc", "_table")

    def __init__(self, table: FactTable, doc: int) -> None:
        self._table, self._doc = table, doc

    def _ids(self) -> np.ndarray:
        table = self._table
        at = np.flatnonzero(table.pair_docs == self._doc)
        return np.searchsorted(table.pair_doc_bounds, at, side="right") - 1

    def __contains__(self, pair: object) -> bool:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            return False
        at = self._table.pair_id(*pair)
        if at < 0:
            return False
        docs = self._table.pair_docs_of(at)
        i = int(np.searchsorted(docs, self._doc))
        return i < len(docs) and int(docs[i]) == self._doc

    def __len__(self) -> int:
        return len(self._ids())

    def __iter__(self) -> Iterator[tuple[str, str]]:
        terms, size = self._table.terms, len(self._table.terms)
        keys = self._table.pair_keys[self._ids()].tolist()
        return iter([(terms[k // size], terms[k % size]) for k in keys])

    def __hash__(self) -> int:
        return hash(frozenset(self))


class _Builder:
    """Appends passages' facts to growing arrays, so the sets are dropped as they are read."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.pair_of: dict[tuple[int, int], int] = {}
        self.sentences = array("q", [0])
        self.own_bounds, self.own = array("q", [0]), array("i")
        self.resolved_sentences = array("q")
        self.resolved_bounds, self.resolved = array("q", [0]), array("i")
        self.held_bounds, self.held = array("q", [0]), array("i")
        self.pair_bounds, self.pairs = array("q", [0]), array("i")
        self.continuing = bytearray()
        self.type_of: dict[frozenset[str], int] = {}
        self.define_of: dict[frozenset[str], int] = {}
        self.type_codes, self.define_codes = array("I"), array("I")

    def _ids(self, terms: Iterable[str]) -> list[int]:
        ids = self.ids
        return [ids.setdefault(t, len(ids)) for t in terms]

    def add(self, f: PassageFacts) -> None:
        count = len(self.own_bounds) - 1
        for i, (own, resolved) in enumerate(zip(f.own, f.resolved, strict=True)):
            self.own.extend(self._ids(own))
            self.own_bounds.append(len(self.own))
            if resolved is not own and resolved != own:
                self.resolved_sentences.append(count + i)
                self.resolved.extend(self._ids(resolved))
                self.resolved_bounds.append(len(self.resolved))
        self.sentences.append(len(self.own_bounds) - 1)
        self.held.extend(self._ids(f.held))
        self.held_bounds.append(len(self.held))
        pair_of, ids = self.pair_of, self.ids
        for a, b in f.bigrams:
            key = (ids.setdefault(a, len(ids)), ids.setdefault(b, len(ids)))
            self.pairs.append(pair_of.setdefault(key, len(pair_of)))
        self.pair_bounds.append(len(self.pairs))
        self.continuing.extend(map(bool, f.continuing))
        self.type_codes.extend(self.type_of.setdefault(s, len(self.type_of)) for s in f.types)
        self.define_codes.extend(
            self.define_of.setdefault(s, len(self.define_of)) for s in f.defines
        )

    def finish(self, table: FactTable) -> None:
        size = len(self.ids)
        set_ = object.__setattr__
        set_(table, "ids", self.ids)
        set_(table, "terms", tuple(self.ids))
        # Pairs numbered by their key (a x terms + b), so a pair is found by binary search.
        first = np.fromiter((a for a, _ in self.pair_of), dtype=np.int64, count=len(self.pair_of))
        second = np.fromiter((b for _, b in self.pair_of), dtype=np.int64, count=len(first))
        keys = first * size + second
        order = np.argsort(keys, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        set_(table, "pair_keys", keys[order])
        # Each pair's passages ascending, so one is found by binary search (retrieval.batch).
        pairs = rank[np.frombuffer(self.pairs, dtype=np.int32)]
        per_doc = np.diff(np.frombuffer(self.pair_bounds, dtype=np.int64))
        owner = np.repeat(np.arange(len(per_doc), dtype=np.int32), per_doc)
        set_(table, "pair_docs", owner[np.argsort(pairs, kind="stable")])
        bounds = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs, minlength=len(keys)), out=bounds[1:])
        set_(table, "pair_doc_bounds", bounds)
        for name in ("sentences", "own_bounds", "resolved_sentences", "resolved_bounds"):
            set_(table, name, _array(getattr(self, name), np.int64))
        set_(table, "held_bounds", _array(self.held_bounds, np.int64))
        for name in ("own", "resolved", "held"):
            set_(table, name, _array(getattr(self, name), np.int32))
        set_(table, "continuing", np.frombuffer(bytes(self.continuing), dtype=bool).copy())
        set_(table, "type_sets", tuple(self.type_of))
        set_(table, "define_sets", tuple(self.define_of))
        set_(table, "type_codes", _array(self.type_codes, np.uint32))
        set_(table, "define_codes", _array(self.define_codes, np.uint32))


def _array(values: array, dtype: type) -> np.ndarray:
    """A numpy copy of ``values`` (an ``array.array``), of ``dtype``."""
    return np.frombuffer(values, dtype=np.dtype(values.typecode)).astype(dtype)
