"""Article text -> passages. Pure parsing plus one loader; no retrieval here."""

from corpus.collection import collect, split_url
from corpus.load import load_article, load_collection, read_article_text
from corpus.parse import ArticleError, article_from_paragraphs, parse_article
from corpus.records import Article, Collection, Passage, Reference, Sentence

__all__ = [
    "Article",
    "ArticleError",
    "Collection",
    "Passage",
    "Reference",
    "Sentence",
    "article_from_paragraphs",
    "collect",
    "load_article",
    "load_collection",
    "parse_article",
    "read_article_text",
    "split_url",
]
