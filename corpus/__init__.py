"""Article text -> passages. Pure parsing plus one loader; no retrieval here."""

from corpus.load import load_article, read_article_text
from corpus.parse import ArticleError, parse_article
from corpus.records import Article, Passage, Reference, Sentence

__all__ = [
    "Article",
    "ArticleError",
    "Passage",
    "Reference",
    "Sentence",
    "load_article",
    "parse_article",
    "read_article_text",
]
