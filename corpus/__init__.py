"""Article text -> passages. Pure parsing plus one loader; no retrieval here."""

from corpus.load import load_article, read_article_text
from corpus.parse import ArticleError, article_from_paragraphs, parse_article
from corpus.records import Article, Passage, Reference, Sentence

__all__ = [
    "Article",
    "ArticleError",
    "Passage",
    "Reference",
    "Sentence",
    "article_from_paragraphs",
    "load_article",
    "parse_article",
    "read_article_text",
]
