"""The article parser on the shipped ECPAT article and on small hand-written articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus import (
    Article,
    ArticleError,
    Sentence,
    article_from_paragraphs,
    load_article,
    parse_article,
    read_article_text,
)
from corpus.records import example_questions

CODE_SECTION = (
    "The code of conduct for the protection of children from sexual exploitation in travel and "
    "tourism"
)
SECTIONS = (
    "Infobox",
    "Lead",
    "Research and human rights reporting",
    "Network membership",
    CODE_SECTION,
    "Protecting children online",
)
PASSAGE_IDS = (
    "infobox",
    "lead-1",
    "lead-2",
    "lead-3",
    "lead-4",
    "lead-5",
    "research-and-human-rights-reporting-1",
    "research-and-human-rights-reporting-2",
    "network-membership-1",
    "the-code-of-conduct-for-the-1",
    "protecting-children-online-1",
    "protecting-children-online-2",
)
MARKER = re.compile(r"\[\d{1,4}\]")


def passage(article: Article, pid: str):
    (found,) = [p for p in article.passages if p.id == pid]
    return found


# -- the shipped article ----------------------------------------------------------------------


def test_title(article: Article) -> None:
    assert article.title == "End Child Prostitution and Trafficking"


def test_sections_in_order(article: Article) -> None:
    assert article.sections == SECTIONS


def test_passage_ids_are_stable_unique_and_in_order(article: Article) -> None:
    ids = tuple(p.id for p in article.passages)
    assert ids == PASSAGE_IDS
    assert len(set(ids)) == len(ids)
    assert load_article() == article  # parsing again gives the same article


def test_every_passage_belongs_to_a_listed_section(article: Article) -> None:
    assert [p.section for p in article.passages] == [
        "Infobox",
        *["Lead"] * 5,
        *[SECTIONS[2]] * 2,
        SECTIONS[3],
        CODE_SECTION,
        *[SECTIONS[5]] * 2,
    ]


def test_all_sixteen_references_in_order(article: Article) -> None:
    assert [r.n for r in article.references] == list(range(1, 17))
    assert all(r.text and not r.text.startswith("^") for r in article.references)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, '"ECPAT International". ECPAT International. Retrieved 2018-03-12.'),
        (
            9,
            'Ms. Anne van der TuukAbang Africa Travel (2013-11-21). "History". The Code. '
            "Retrieved 2014-01-22.",
        ),
        (10, 'Hetter, Katia. "Fighting sex trafficking in hotels, one room at a time". CNN.'),
        (14, "http://www.childhelplineinternational.org/resources/news/mou-asia-pacfic/"),
        (
            16,
            'Marc Moorghen. "ECPAT International Receives $1.5 Million Hilton Humanitarian Prize'
            ' - Press release". hiltonfoundation.org. Retrieved 4 August 2015.',
        ),
    ],
)
def test_reference_texts(article: Article, n: int, text: str) -> None:
    ref = article.reference(n)
    assert ref is not None
    assert ref.text == text


@pytest.mark.parametrize(
    ("n", "url"),
    [
        (14, "http://www.childhelplineinternational.org/resources/news/mou-asia-pacfic/"),
        (3, "https://www.childrightsconnect.org"),  # a bare domain gives an https link
        (4, "https://resources.ecpat.net"),  # ... lower-cased ("Resources.ecpat.net")
        (11, "https://virtualglobaltaskforce.com"),
        (1, None),
        (2, None),
        (10, None),
        (12, None),
    ],
)
def test_reference_urls(article: Article, n: int, url: str | None) -> None:
    ref = article.reference(n)
    assert ref is not None
    assert ref.url == url


def test_unknown_reference_number(article: Article) -> None:
    assert article.reference(0) is None
    assert article.reference(17) is None


@pytest.mark.parametrize(
    ("pid", "citations"),
    [
        ("infobox", ()),
        ("lead-1", ()),
        ("lead-2", (1,)),
        ("lead-3", (2,)),
        ("lead-4", (3, 4)),
        ("lead-5", (5,)),
        ("research-and-human-rights-reporting-1", (6, 7)),
        ("research-and-human-rights-reporting-2", (8,)),
        ("network-membership-1", ()),
        ("the-code-of-conduct-for-the-1", (9, 10)),
        ("protecting-children-online-1", (11, 12, 13, 14)),
        ("protecting-children-online-2", ()),
    ],
)
def test_passage_citations(article: Article, pid: str, citations: tuple[int, ...]) -> None:
    assert passage(article, pid).citations == citations


@pytest.mark.parametrize(
    ("pid", "per_sentence"),
    [
        ("lead-2", [(1,), ()]),
        ("lead-3", [(2,), (), ()]),
        ("lead-4", [(3,), (), (4,)]),  # [3] sits mid-sentence, [4] after the full stop
        ("research-and-human-rights-reporting-1", [(), (6, 7)]),
        ("the-code-of-conduct-for-the-1", [(), (), (9, 10)]),
        ("protecting-children-online-1", [(), (11,), (12,), (13, 14)]),
    ],
)
def test_sentence_citations(article: Article, pid: str, per_sentence: list[tuple[int, ...]]):
    assert [s.citations for s in passage(article, pid).sentences] == per_sentence


def test_code_passage_sentences_exactly(article: Article) -> None:
    assert passage(article, "the-code-of-conduct-for-the-1").sentences == (
        Sentence(
            "The Code is a set of protocols that tourism operators may sign up to, in order to "
            "ensure that their businesses do not facilitate or encourage the sexual exploitation "
            "of children by travelers and tourists.",
            (),
            (9, 10),  # sourced by the marker that closes its paragraph
        ),
        Sentence(
            "The Code was developed by ECPAT Sweden in 1996 and is promoted through the "
            "international ECPAT network.",
            (),
            (9, 10),
        ),
        Sentence(
            "Today, more than 1,300 tour operators, hotels, airlines and other travel businesses "
            "across 42 countries have signed up.",
            (9, 10),
            (9, 10),
        ),
    )


def test_mid_sentence_marker_leaves_clean_text(article: Article) -> None:
    first = passage(article, "lead-4").sentences[0].text
    assert "(now known as Child Rights Connect), ECPAT International co-organised" in first
    campaign = passage(article, "lead-5").sentences[0].text
    assert campaign.startswith(
        "Between 2009 and 2012, ECPAT, in partnership with The Body Shop, helped run the Stop "
        "Sex Trafficking of Children and Young People campaign,"
    )


def test_infobox_facts_exactly(article: Article) -> None:
    assert article.facts == (
        ("Name", "ECPAT International"),
        ("Founded", "1990"),
        ("Type", "NGO"),
        ("Purpose", "Child protection"),
        ("Headquarters", "Phayathai Road, Rachathewi, Bangkok, Thailand 10400"),
        ("Key people", "Carol Bellamy (Chair)"),
        ("Website", "www.ecpat.net"),
    )


def test_infobox_passage(article: Article) -> None:
    box = article.passages[0]
    assert (box.id, box.section, box.citations) == ("infobox", "Infobox", ())
    assert box.text == (
        "ECPAT International. Founded: 1990. Type: NGO. Purpose: Child protection. "
        "Headquarters: Phayathai Road, Rachathewi, Bangkok, Thailand 10400. "
        "Key people: Carol Bellamy (Chair). Website: www.ecpat.net."
    )


@pytest.mark.parametrize(
    "chrome",
    [
        "States with one or more organisations",  # map caption
        "ECPAT group(s) in the state",  # map legend
        "From Wikipedia",
        "Jump to navigation",
        "[edit]",
        "Area served",
        "External links",
        "Retrieved",  # reference list
    ],
)
def test_page_chrome_captions_and_references_are_not_passages(article: Article, chrome: str):
    for p in article.passages:
        assert chrome not in p.text
        assert all(chrome not in s.text for s in p.sentences)


def test_external_links_yields_nothing(article: Article) -> None:
    assert "External links" not in article.sections
    assert all(p.section != "External links" for p in article.passages)


def test_no_footnote_markers_in_passages(article: Article) -> None:
    for p in article.passages:
        assert not MARKER.search(p.text), p.id
        assert all(not MARKER.search(s.text) for s in p.sentences)


def test_passage_text_is_its_sentences(article: Article) -> None:
    for p in article.passages:
        assert p.text == " ".join(s.text for s in p.sentences)
        assert p.citations == tuple(dict.fromkeys(n for s in p.sentences for n in s.citations))


def test_default_limit_keeps_every_paragraph_whole(article: Article) -> None:
    assert all(len(p.text) <= 700 for p in article.passages)
    assert not any("." in p.id.split("-")[-1] for p in article.passages)


def test_long_paragraphs_split_at_sentence_boundaries(article: Article) -> None:
    small = load_article(max_passage_chars=200)
    assert small.sections == article.sections
    assert small.references == article.references
    assert len(small.passages) > len(article.passages)
    for whole in article.passages:
        pieces = [p for p in small.passages if p.id == whole.id or p.id.startswith(whole.id + ".")]
        # The pieces hold exactly the paragraph's sentences, in order, nothing cut mid-sentence.
        assert tuple(s for p in pieces for s in p.sentences) == whole.sentences
        for piece in pieces:
            assert piece.section == whole.section
            assert len(piece.text) <= 200 or len(piece.sentences) == 1
        if len(pieces) > 1:
            assert [p.id for p in pieces] == [f"{whole.id}.{i}" for i in range(1, len(pieces) + 1)]
    code = [p for p in small.passages if p.id.startswith("the-code-of-conduct-for-the-1.")]
    assert [p.citations for p in code] == [(), (), (9, 10)]
    lead3 = passage(small, "lead-3.2")  # two short sentences share one piece
    assert len(lead3.sentences) == 2


def test_max_passage_chars_below_fifty_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_article("T\n\nOne two three four five.", max_passage_chars=49)


def test_read_article_text_is_the_shipped_file() -> None:
    shipped = Path(__file__).resolve().parent.parent / "corpus" / "data" / "ecpat.txt"
    assert read_article_text() == shipped.read_text("utf-8")
    assert read_article_text("") == read_article_text(None)


# -- small hand-written articles --------------------------------------------------------------


def test_small_article(small_article: Path) -> None:
    art = load_article(small_article)
    assert art.title == "Lighthouse Keepers Guild"
    assert art.sections == ("Infobox", "Lead", "History")
    assert art.facts == (
        ("Name", "Lighthouse Keepers Guild"),
        ("Founded", "1871"),
        ("Type", "Guild"),
    )
    assert [p.id for p in art.passages] == ["infobox", "lead-1", "history-1"]
    assert [p.citations for p in art.passages] == [(), (1, 2), (3,)]
    assert [r.url for r in art.references] == [
        "https://lighthouse-guild.org",
        None,
        "https://example.org/guild/school",
    ]
    assert art.passages[2].text == (
        "The guild opened its first training school in 1902, teaching lamp care and signal codes."
        " By 1950 the school had trained more than 400 keepers."
    )


def test_crlf_and_lf_parse_the_same(small_article: Path) -> None:
    text = small_article.read_text("utf-8")
    assert parse_article(text.replace("\n", "\r\n")) == parse_article(text)


def test_article_without_infobox_or_headings() -> None:
    art = parse_article("Tiny\n\nA tiny article has one short paragraph.[1] It is enough.\n")
    assert art.title == "Tiny"
    assert art.facts == ()
    assert art.sections == ("Lead",)
    assert [(p.id, p.text, p.citations) for p in art.passages] == [
        ("lead-1", "A tiny article has one short paragraph. It is enough.", (1,))
    ]


def test_abbreviations_do_not_end_sentences() -> None:
    art = parse_article("T\n\nDr. Jane Smith met Mr. Brown in 1990. They founded a club.\n")
    assert [s.text for s in art.passages[0].sentences] == [
        "Dr. Jane Smith met Mr. Brown in 1990.",
        "They founded a club.",
    ]


def test_an_aside_of_two_sentences_leaves_no_bracket_unbalanced(article: Article) -> None:
    lead = next(p for p in article.passages if p.id == "lead-3")
    assert [s.text for s in lead.sentences][1:] == [
        "The name originally stood for “End Child Prostitution and Trafficking,” but this full "
        "title is no-longer utilized.",
        "Today the organization goes by its initials ECPAT.",
    ]
    # Balanced brackets inside a sentence stay.
    art = parse_article("T\n\nThe club (founded in 1990) met. It grew (slowly).\n")
    assert [s.text for s in art.passages[0].sentences] == [
        "The club (founded in 1990) met.",
        "It grew (slowly).",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "\r\n\r\n"])
def test_empty_text_is_an_article_error(text: str) -> None:
    with pytest.raises(ArticleError, match="empty"):
        parse_article(text)


@pytest.mark.parametrize(
    "text",
    [
        "Just a title",
        "A title\n\nFrom Wikipedia, the free encyclopedia\nJump to navigation Jump to search\n",
        "ECPAT\n\nECPAT International\nFounded 1990\nType NGO\nWebsite www.ecpat.net\n",
        "T\n\nHistory[edit]\n\n  1. ^ Only a reference.\n",
        "T\n\nA caption line without a full stop\nanother label\n",
    ],
)
def test_text_without_paragraphs_is_an_article_error(text: str) -> None:
    with pytest.raises(ArticleError, match="no paragraphs"):
        parse_article(text)


def test_article_error_is_a_value_error() -> None:
    assert issubclass(ArticleError, ValueError)


def _one_line_error(path: str | Path) -> str:
    with pytest.raises(ArticleError) as info:
        load_article(path)
    message = str(info.value)
    assert message and "\n" not in message
    return message


def test_missing_file(isolated: Path) -> None:
    assert _one_line_error("nope.txt") == "article not found: nope.txt"


def test_directory(tmp_path: Path) -> None:
    assert "folder" in _one_line_error(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9\n\nA caf\xe9 article with a paragraph.\n".encode("latin-1"))
    assert "UTF-8" in _one_line_error(path)


def test_empty_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("")
    message = _one_line_error(path)
    assert "empty" in message
    assert str(path) in message


def test_title_only_file(tmp_path: Path) -> None:
    path = tmp_path / "title.txt"
    path.write_text("Only A Title\n")
    assert "no paragraphs" in _one_line_error(path)


# -- article_from_paragraphs -----------------------------------------------------------------


def test_article_from_paragraphs() -> None:
    art = article_from_paragraphs(
        "Beavers", ["Beavers build dams.[2] They are rodents.", "Dams slow rivers."]
    )
    assert art.title == "Beavers"
    assert art.sections == ("Beavers",)
    assert [(p.id, p.section, p.text, p.citations) for p in art.passages] == [
        ("p1", "Beavers", "Beavers build dams. They are rodents.", (2,)),
        ("p2", "Beavers", "Dams slow rivers.", ()),
    ]


def test_article_from_no_paragraphs_is_an_error() -> None:
    with pytest.raises(ArticleError):
        article_from_paragraphs("Nothing", ["", "   "])


# -- bugs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("tail", ["[[1]2]", "[1[citation needed]]"])
def test_nested_markers_never_leave_a_marker(tail: str) -> None:
    art = parse_article(f"T\n\nThis is a long enough sentence {tail}.\n")
    assert not MARKER.search(art.passages[0].text)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("History", "History"),
        ("History of the network in Asia and Africa", "History of the network in Asia and Europe"),
        ("Lead", "Other"),
    ],
)
def test_passage_ids_unique_whatever_the_headings(first: str, second: str) -> None:
    text = (
        f"T\n\nA first paragraph is here.\n\n{first}[edit]\n\nOne two three four.\n\n"
        f"{second}[edit]\n\nFive six seven eight.\n"
    )
    ids = [p.id for p in parse_article(text).passages]
    assert len(ids) == len(set(ids)) == 3, ids


def test_the_shipped_article_brings_its_link_and_examples(article: Article) -> None:
    assert article.url == "https://en.wikipedia.org/wiki/ECPAT"
    assert example_questions(article)[0] == "When was ECPAT founded?"


def test_another_article_gets_examples_from_its_own_content() -> None:
    lake = parse_article(
        "Lake Bled\n\nLake Bled\nMax. depth 30.6 m\n\nLake Bled is a lake in Slovenia.\n\n"
        "Island[edit]\n\nThe lake surrounds Bled Island.\n"
    )
    assert lake.url is None
    assert example_questions(lake) == (
        "What is Lake Bled?",
        "What is the max. depth of Lake Bled?",
        "Tell me about Island",
    )
