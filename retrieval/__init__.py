"""Ranking passages with BM25 (rank-bm25): plain data in, ranked hits out."""

from retrieval.analyzer import analyze, normalize, words
from retrieval.bm25 import VARIANTS, BM25Index
from retrieval.ranker import Hit, Query, RetrievalSettings, Retriever, pick_sentences

__all__ = [
    "VARIANTS",
    "BM25Index",
    "Hit",
    "Query",
    "RetrievalSettings",
    "Retriever",
    "analyze",
    "normalize",
    "pick_sentences",
    "words",
]
