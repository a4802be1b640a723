"""Retrieval: BM25 variant, sentence and phrase evidence, typos, numbers, ties, coverage."""

from __future__ import annotations

import math

import pytest

from bot.engine import Conversation, Engine
from corpus import article_from_paragraphs, load_article
from corpus.records import Passage, Sentence
from retrieval import BM25Index, Hit, RetrievalSettings, Retriever, analyze, words
from retrieval.answer_type import answer_types, expected_type
from retrieval.definitions import defined_subject, definition_subject
from retrieval.typos import PREFIX_SCAN_MAX, build_speller, plausible_slip


def passages(*texts: str) -> tuple[Passage, ...]:
    return article_from_paragraphs("Test", list(texts)).passages


def ranked(retriever: Retriever, question: str) -> list[str]:
    return [hit.passage.id for hit in retriever.search(retriever.query(question))]


@pytest.fixture(scope="module")
def ecpat() -> Retriever:
    return Retriever(load_article().passages, RetrievalSettings())


@pytest.mark.parametrize(
    ("question", "top", "sentence"),
    [
        ("When was ECPAT founded?", "infobox", "Founded: 1990."),
        ("Who chairs ECPAT?", "infobox", "Carol Bellamy"),
        ("What is The Code?", "the-code-of-conduct-for-the-1", "set of protocols"),
        ("Where is ECPAT's secretariat based?", "lead-2", "Bangkok"),
        ("How many member organisations does ECPAT have?", "lead-2", "102"),
        ("Who developed The Code?", "the-code-of-conduct-for-the-1", "ECPAT Sweden"),
        ("Where was the 1996 world congress held?", "lead-4", "Stockholm"),
        ("How many petition signatures were collected?", "lead-5", "7 million"),
        (
            "Which law enforcement partner does ECPAT work with?",
            "protecting-children-online-1",
            "INTERPOL",
        ),
        ("When did the Stop Sex Trafficking campaign run?", "lead-5", "2009"),
        ("What is ECPAT's website?", "infobox", "www.ecpat.net"),
    ],
)
def test_ecpat_top_passage_and_answering_sentence(
    ecpat: Retriever, question: str, top: str, sentence: str
) -> None:
    best = ecpat.search(ecpat.query(question), 3)[0]
    assert best.passage.id == top
    assert best.coverage >= 0.5
    assert sentence in " ".join(best.passage.sentences[i].text for i in best.sentences)


def test_unrelated_question_is_not_covered(ecpat: Retriever) -> None:
    hits = ecpat.search(ecpat.query("What is the boiling point of mercury?"))
    assert not hits or hits[0].coverage < 0.5


# -- the BM25 variant ------------------------------------------------------------------------


def idf_pitfall_corpus() -> tuple[Passage, ...]:
    """20 passages: "alpha" in 19 of them (all but p1), "beta" in 8 (p1..p8), "gamma" in 10.

    Every passage also has words of its own, so the average idf is high and Okapi's floor for
    the very common "alpha" (epsilon x average idf) ends up above the idf of "beta".
    """
    texts = []
    for i in range(20):
        own = f"unique{i}a unique{i}b unique{i}c"
        body = [own]
        if i != 0:
            body.append("alpha")
        if i < 8:
            body.append("beta")
        if i >= 10:
            body.append("gamma")
        texts.append(" ".join(body) + ".")
    return passages(*texts)


def test_okapi_lets_a_word_in_19_of_20_passages_outweigh_one_in_8() -> None:
    corpus = idf_pitfall_corpus()
    docs = [analyze(p.text) for p in corpus]
    okapi = BM25Index(docs, "okapi")
    alpha_only, beta_only = 8, 0  # p9 has alpha but not beta; p1 has beta but not alpha
    assert okapi.term_scores("alpha")[alpha_only] > okapi.term_scores("beta")[beta_only]
    ours = BM25Index(docs)
    assert ours.term_scores("alpha")[alpha_only] < ours.term_scores("beta")[beta_only]


def test_default_ranks_the_rarer_word_first() -> None:
    retriever = Retriever(idf_pitfall_corpus(), RetrievalSettings())
    order = ranked(retriever, "alpha beta")
    assert order[:7] == [f"p{i}" for i in range(2, 9)]  # both words
    assert order.index("p1") < order.index("p9")  # beta alone beats alpha alone
    bare = RetrievalSettings(sentence_weight=0, phrase_weight=0)
    order = ranked(Retriever(idf_pitfall_corpus(), bare), "alpha beta")
    assert order.index("p1") < order.index("p9")
    okapi = Retriever(idf_pitfall_corpus(), RetrievalSettings("okapi", sentence_weight=0))
    order = ranked(okapi, "alpha beta")
    assert order.index("p9") < order.index("p1")


def test_word_in_exactly_half_the_passages_weighs_zero_in_okapi_but_not_in_ours() -> None:
    docs = [analyze(p.text) for p in idf_pitfall_corpus()]
    assert not BM25Index(docs, "okapi").term_scores("gamma").any()
    assert (BM25Index(docs).term_scores("gamma")[10:] > 0).all()
    hits = Retriever(idf_pitfall_corpus(), RetrievalSettings()).search(
        Retriever(idf_pitfall_corpus(), RetrievalSettings()).query("gamma")
    )
    assert [h.passage.id for h in hits] == [f"p{i}" for i in range(11, 21)]
    assert all(h.score > 0 for h in hits)


def test_idf_is_monotone_and_positive() -> None:
    index = BM25Index([["a", "b"], ["a"], ["a", "c"], ["d"]])
    assert 0 < index.idf("a") < index.idf("b") == index.idf("c") < index.idf("zzz")
    assert index.rare_idf == pytest.approx(index.idf("zzz"))


# -- rank-bm25's asserts never leak ------------------------------------------------------------


def test_empty_corpus_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        BM25Index([])
    with pytest.raises(ValueError):
        Retriever((), RetrievalSettings())


@pytest.mark.parametrize("variant", ["lucene", "okapi", "plus"])
def test_documents_without_terms_are_indexed_by_every_variant(variant: str) -> None:
    # rank-bm25 divides by the average document length and asserts on its inputs.
    index = BM25Index([[], []], variant)
    assert not index.scores({"lamp": 1.0}).any()
    index = BM25Index([["lamp"], []], variant)
    assert index.scores({"lamp": 1.0}).shape == (2,)
    assert index.doc_freq == {"lamp": 1, "\x00": 1}


@pytest.mark.parametrize("kwargs", [{"variant": "bm42"}, {"k1": -1.0}, {"b": 1.5}, {"b": -0.1}])
def test_bad_bm25_parameters_are_value_errors(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        BM25Index([["a"]], **kwargs)


def test_negative_evidence_weights_are_value_errors() -> None:
    for settings in (RetrievalSettings(sentence_weight=-1), RetrievalSettings(phrase_weight=-1)):
        with pytest.raises(ValueError):
            Retriever(passages("Some text here."), settings)


def test_passages_of_stop_words_only_are_indexed() -> None:
    corpus = passages("It is what it is.", "Lighthouses guide ships.")
    retriever = Retriever(corpus, RetrievalSettings())
    assert ranked(retriever, "lighthouses") == ["p2"]
    assert retriever.search(retriever.query("what is it")) == ()
    assert retriever.search(retriever.query("")) == ()


@pytest.mark.parametrize(
    ("question", "content"),
    [
        # Prepositions carry no topic: "across" must not pull in "across 42 countries".
        ("Across how many countries?", ["countries"]),
        ("Is it active within Europe or outside it?", ["active", "europe"]),
        # Vague fillers: what they stand for is the rest of the question.
        ("what kind of stuff does ecpat focus on", ["ecpat", "focus"]),
        ("What sorts of things does it publish?", ["publish"]),
        # Politeness around a question is no part of it.
        ("sorry, where is it based? thanks", ["based"]),
    ],
)
def test_prepositions_and_vague_fillers_are_stop_words(question: str, content: list[str]) -> None:
    assert words(question) == content


def test_a_follow_up_preposition_does_not_choose_the_passage(engine: Engine) -> None:
    conversation = engine.reply(Conversation(), "How many member organisations does ECPAT have?")[1]
    reply = engine.reply(conversation, "across how many countries?")[0]
    assert reply.kind == "answer" and "93 countries" in reply.text


# -- sentence and phrase evidence --------------------------------------------------------------


def test_one_sentence_holding_the_question_beats_scattered_words() -> None:
    # The same words (so the same BM25 score), only grouped into sentences differently.
    scattered = "The keeper lit a lamp. Storms came. The harbour was small."
    together = "The keeper lit a harbour lamp. Storms came. It was small."
    retriever = Retriever(passages(scattered, together), RetrievalSettings())
    assert ranked(retriever, "keeper harbour") == ["p2", "p1"]
    bare = RetrievalSettings(sentence_weight=0, phrase_weight=0)
    flat = Retriever(passages(scattered, together), bare)
    hits = flat.search(flat.query("keeper harbour"))
    assert hits[0].score == pytest.approx(hits[1].score)


def test_adjacent_question_words_adjacent_in_the_passage_win() -> None:
    phrase = "The duchy of Normandy was a fief, and it was far from any harbour town."
    apart = "The harbour duchy was a fief, and Normandy was far from any town."
    retriever = Retriever(passages(apart, phrase), RetrievalSettings(sentence_weight=0))
    assert ranked(retriever, "Who ruled the duchy of Normandy?")[0] == "p2"
    query = retriever.query("Who ruled the duchy of Normandy?")
    assert query.bigrams == (("rule", "duchi"), ("duchi", "normandi"))
    off = Retriever(passages(apart, phrase), RetrievalSettings(sentence_weight=0, phrase_weight=0))
    hits = off.search(off.query("Who ruled the duchy of Normandy?"))
    assert hits[0].score == pytest.approx(hits[1].score)


def test_follow_up_context_adds_no_phrases() -> None:
    retriever = Retriever(passages("The duchy of Normandy."), RetrievalSettings())
    query = retriever.query("when", {"duchi": 0.5, "normandi": 0.5})
    assert query.bigrams == ()
    assert query.inherited == {"duchi", "normandi"}


# -- typos, numbers, accents ---------------------------------------------------------------------


def test_typos_in_ecpat_questions_are_corrected(ecpat: Retriever) -> None:
    assert ("fonded", "founded") in ecpat.query("When was ECPAT fonded?").corrections
    assert ("chiar", "chair") in ecpat.query("Who is the chiar?").corrections
    # "countrys" needs no correction: it stems like "countries".
    query = ecpat.query("How many countrys is ECPAT in?")
    assert set(analyze("countries")) <= query.terms.keys()
    assert ecpat.search(query)[0].passage.id == "lead-2"
    assert ecpat.search(ecpat.query("Who is the chiar?"))[0].passage.id == "infobox"


@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("name", "game"),
        ("lone", "long"),
        ("finding", "funding"),
        ("best", "west"),
        ("word", "world"),
    ],
)
def test_real_words_are_not_bent_into_other_words(word: str, known: str) -> None:
    assert not plausible_slip(word, known)
    assert build_speller([[known, "harbour"]]).correct(word) is None


@pytest.mark.parametrize(
    ("typo", "known"),
    [
        ("chiar", "chair"),
        ("wrold", "world"),
        ("fonded", "founded"),
        ("compnay", "company"),
        ("signitures", "signatures"),
        ("countrys", "countries"),
    ],
)
def test_typing_slips_are_plausible(typo: str, known: str) -> None:
    assert plausible_slip(typo, known)


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("fundet", "founded"), ("petion", "petition"), ("comitee", "committee")],
)
def test_a_non_word_is_read_loosely_as_the_nearest_article_word(typo: str, meant: str) -> None:
    speller = build_speller([["founded", "funding", "petition", "person", "committee"]])
    assert speller.correct(typo) is None  # two edits from a short word: not as typed
    assert speller.correct(typo, loose=True) == meant  # "petion" keeps all its letters in order


def test_a_long_slip_two_edits_off_is_found_among_words_sharing_its_start() -> None:
    # "headquaterd" shares no one-deletion key with "headquarters" (a letter dropped, one
    # changed): the words starting "hea" are checked, unless too many start that way.
    speller = build_speller([["headquarters", "health", "heavy"]])
    assert speller.correct("headquaterd", loose=True) == "headquarters"
    crowded = [f"hea{n:06d}x" for n in range(PREFIX_SCAN_MAX)] + ["headquarters"]
    assert build_speller([crowded]).correct("headquaterd", loose=True) is None


def test_a_loose_reading_keeps_the_first_letter_and_skips_short_words() -> None:
    speller = build_speller([["founded", "code"]])
    assert speller.correct("pounded", loose=True) is None
    assert speller.correct("kode", loose=True) is None


@pytest.mark.parametrize(
    ("question", "typo", "meant"),
    [
        ("wen was ecpat fundet", "fundet", "founded"),  # not the English "funded"
        ("hw many signitures did the petion get", "petion", "petition"),  # not "potion"
        ("wat did the bodyshop campain colect", "colect", "collect"),  # English, as "collected"
        # One edit from "start", which the article says as "founded"; two from "stand", the
        # base form of the article's "stood".
        ("wen was ecpat startd", "startd", "start"),
    ],
)
def test_a_non_word_is_read_as_the_word_the_article_uses(
    ecpat: Retriever, question: str, typo: str, meant: str
) -> None:
    assert dict(ecpat.query(question).corrections)[typo] == meant


def test_an_abbreviation_of_an_english_word_is_no_slip(ecpat: Retriever) -> None:
    # "govts" is rare, but "govt" is English: not read loosely as the article's "goes".
    query = ecpat.query("do they check if govts keep promises")
    assert dict(query.corrections).get("govts") != "goes" and "govt" in query.terms


def test_digit_groups_match_plain_numbers() -> None:
    assert analyze("1,300 operators") == analyze("1300 operators") == ["1300", "oper"]
    retriever = Retriever(
        passages("About 900 hotels.", "More than 1,300 hotels signed."), RetrievalSettings()
    )
    assert ranked(retriever, "Which hotels 1300?")[0] == "p2"


def test_accents_are_folded() -> None:
    retriever = Retriever(
        passages("Herve was a Norman.", "Hervé led the Normans."), RetrievalSettings()
    )
    hits = retriever.search(retriever.query("herve"))
    assert {h.passage.id for h in hits} == {"p1", "p2"}


# -- ties, coverage, sentences --------------------------------------------------------------------


def test_ties_keep_article_order() -> None:
    same = "Lighthouses guide ships home."
    retriever = Retriever(passages("Ports are busy.", same, same, same), RetrievalSettings())
    hits = retriever.search(retriever.query("lighthouses"))
    assert [h.passage.id for h in hits] == ["p2", "p3", "p4"]
    assert len({h.score for h in hits}) == 1


def test_coverage_is_the_idf_weighted_share_of_the_question() -> None:
    corpus = passages("Keepers light lamps.", "Keepers mend boats.", "Gulls eat fish.")
    retriever = Retriever(corpus, RetrievalSettings())
    query = retriever.query("keepers lamps")
    idf = retriever.index.idf
    hits = {h.passage.id: h for h in retriever.search(query)}
    assert hits["p1"].coverage == pytest.approx(1.0)
    expected = idf("keeper") / (idf("keeper") + idf("lamp"))
    assert hits["p2"].coverage == pytest.approx(expected)
    assert "p3" not in hits
    unknown = retriever.search(retriever.query("keepers zeppelins"))[0]
    assert 0 < unknown.coverage < 0.5  # a word the article never uses counts against it


def test_a_thesaurus_relative_covers_a_word_the_article_uses_but_does_not_rank() -> None:
    corpus = passages(
        "The guild is an NGO in Bangkok.",
        "Many organisations work in Asia.",
        "Bangkok has many temples.",
    )
    retriever = Retriever(corpus, RetrievalSettings())
    query = retriever.query("Which organisation is in Bangkok?")
    assert "ngo" not in query.terms  # ranking searches the question's own words only
    hits = {h.passage.id: h for h in retriever.search(query)}
    assert hits["p1"].coverage == pytest.approx(1.0)  # "NGO" is an organisation
    idf = retriever.index.idf
    expected = idf("bangkok") / (idf("bangkok") + idf("organiz"))
    assert hits["p3"].coverage == pytest.approx(expected)  # no organisation of any name


def test_a_thesaurus_relative_helps_choose_the_answering_sentence() -> None:
    corpus = passages(
        "The beacon was originally painted red. Its keepers lived on the cliff. "
        "Monks established the beacon to warn ships of reefs.",
        "Ships sail past the cliff.",
    )
    question = "Why was the beacon originally raised by monks?"
    with_relatives = Retriever(corpus, RetrievalSettings())
    best = with_relatives.search(with_relatives.query(question))[0]
    # "established" stands in for "originally" at the synonym weight: with "monks" it wins.
    assert best.sentences == (2,)
    without = Retriever(corpus, RetrievalSettings(synonym_weight=0.0))
    assert without.search(without.query(question))[0].sentences == (0, 1)


def test_answered_limits_the_hits_given_answering_sentences(ecpat: Retriever) -> None:
    query = ecpat.query("How many member organisations does ECPAT have?")
    full, lean = ecpat.search(query, 5), ecpat.search(query, 5, answered=1)
    assert [(h.passage.id, h.score, h.coverage) for h in lean] == [
        (h.passage.id, h.score, h.coverage) for h in full
    ]
    assert lean[0].sentences == full[0].sentences and lean[0].sentences
    assert all(h.sentences == () for h in lean[1:]) and all(h.sentences for h in full)


def test_search_respects_k_and_returns_hits() -> None:
    corpus = passages("a lamp.", "two lamps.", "three lamps here.")
    retriever = Retriever(corpus, RetrievalSettings())
    hits = retriever.search(retriever.query("lamp"), 2)
    assert len(hits) == 2 and all(isinstance(h, Hit) for h in hits)
    assert all(math.isfinite(h.score) for h in hits)


def test_answering_sentence_is_the_one_with_the_question() -> None:
    text = (
        Sentence("The guild met in spring."),
        Sentence("A lighthouse stood on the cape."),
        Sentence("Members paid dues."),
    )
    passage = Passage("p1", "Guild", " ".join(s.text for s in text), text)
    retriever = Retriever((passage,), RetrievalSettings())
    hit = retriever.search(retriever.query("Where did the lighthouse stand on the cape?"))[0]
    assert hit.sentences == (1,)


# -- expected answer type -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many countries is ECPAT in?", "count"),
        ("What number of hotels signed?", "count"),
        ("how much did it cost", "number"),
        ("How long did the campaign run?", "number"),
        ("What percentage of the vote did they win?", "number"),
        ("When was ECPAT founded?", "date"),
        ("In what year did the congress meet?", "date"),
        ("How many years did the campaign last?", "count"),
        ("Who chairs ECPAT?", None),
        ("What is The Code?", None),
    ],
)
def test_expected_answer_type(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


def test_sentence_answer_types() -> None:
    assert answer_types("More than 1,300 tour operators signed.") == {"number", "count"}
    # A year is a number ("how long": "between 2009 and 2012") but no count ("how many").
    assert answer_types("It was founded in 1990.") == {"number", "date"}
    assert answer_types("It ran between 2009 and 2012.") == {"number", "date"}
    assert answer_types("In 1990 it began a three-year campaign.") == {"number", "count", "date"}
    assert answer_types("It has 102 members in 93 countries.") == {"number", "count"}
    assert answer_types("It met in early March.") == {"date"}
    assert answer_types("Seven million signatures.") == {"number", "count"}
    assert answer_types("The Code is a set of protocols.") == frozenset()


def test_number_question_quotes_the_sentence_with_the_number(ecpat: Retriever) -> None:
    hit = ecpat.search(ecpat.query("In how many countries have businesses signed The Code?"))[0]
    assert hit.passage.id == "the-code-of-conduct-for-the-1"
    said = " ".join(hit.passage.sentences[i].text for i in hit.sentences)
    assert "42 countries" in said


def test_answer_type_never_favours_a_sentence_without_question_words() -> None:
    text = (Sentence("The lighthouse guild keeps lamps."), Sentence("It has 40 boats."))
    passage = Passage("p1", "Guild", " ".join(s.text for s in text), text)
    retriever = Retriever((passage,), RetrievalSettings())
    hit = retriever.search(retriever.query("How many lamps does the lighthouse guild keep?"))[0]
    assert hit.sentences == (0,)


def test_irregular_forms_meet_their_base() -> None:
    assert analyze("The name stood for it") == analyze("name stand for it")
    assert analyze("children") == analyze("child") == ["child"]
    retriever = Retriever(
        passages("The lamp stood on the cape.", "Ships pass."), RetrievalSettings()
    )
    assert ranked(retriever, "Where does the lamp stand?") == ["p1"]


def test_plurals_in_men_meet_their_singular() -> None:
    assert analyze("chairmen") == analyze("chairman")
    assert analyze("businessmen spokesmen") == analyze("businessman spokesman")
    assert analyze("omen") != analyze("oman")  # too short to be a plural in "-men"
    retriever = Retriever(
        passages("Ships pass the cape.", "The guild's chairman is Ada Lovelace."),
        RetrievalSettings(),
    )
    assert ranked(retriever, "Who are the guild chairmen?") == ["p2"]


def test_ification_nouns_meet_their_ify_verbs() -> None:
    assert analyze("ratification") == analyze("ratify") == analyze("ratified")
    assert analyze("specification") == analyze("specify")
    assert analyze("specific") != analyze("specify")  # an adjective, not the verb's noun
    retriever = Retriever(
        passages("Ships pass the cape.", "It urges the ratification of treaties."),
        RetrievalSettings(),
    )
    assert ranked(retriever, "Which treaties does it want countries to ratify?") == ["p2"]


def test_a_heading_every_passage_shares_is_not_indexed_but_counts_as_covered() -> None:
    article = article_from_paragraphs(
        "Lighthouse keepers",
        [
            "Lighthouse keepers trimmed wicks nightly.",
            "They ate fish at the cape.",
            "Storms kept ships away.",
        ],
    )
    retriever = Retriever(article.passages, RetrievalSettings())
    assert retriever.index.doc_freq[analyze("lighthouse")[0]] == 1
    assert ranked(retriever, "What did lighthouse keepers trim?") == ["p1"]
    hits = {h.passage.id: h for h in retriever.search(retriever.query("What did keepers eat?"))}
    assert hits["p2"].coverage == pytest.approx(1.0)  # "keepers" from the heading, "ate" itself
    assert hits["p1"].coverage < 1.0


def test_distinct_headings_are_indexed(ecpat: Retriever) -> None:
    assert ecpat.index.doc_freq[analyze("membership")[0]] >= 1
    hit = ecpat.search(ecpat.query("network membership"))[0]
    assert hit.passage.section == "Network membership"


def test_a_name_the_question_gives_counts_double_in_bm25() -> None:
    corpus = passages(
        "The council played a major role in the congress.",
        "Interpol works with the group to prevent online crime and trace offenders abroad.",
    )
    question = "What is Interpol's role?"
    plain = Retriever(corpus, RetrievalSettings(name_weight=1.0))
    assert ranked(plain, question)[0] == "p1"  # "role": a short passage, a rarer word
    named = Retriever(corpus, RetrievalSettings())
    hits = named.search(named.query(question))
    assert hits[0].passage.id == "p2"
    # Coverage is not weighted: each passage holds one of two equally rare words.
    assert [h.coverage for h in hits] == [pytest.approx(0.5), pytest.approx(0.5)]


# -- "What is X?" ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("What is ECPAT?", "ECPAT"),
        ("what's the code", "the code"),
        ("What are tour operators?", "tour operators"),
        ("What was The Body Shop campaign?", "The Body Shop campaign"),
        ("Tell me about ECPAT", "ECPAT"),
        ("about the code", "the code"),  # what "What can you tell me about ..." leaves
        ("Explain why ECPAT was founded", None),  # a why-question, not a definition
        ("About how many members are there?", None),
        ("What does ECPAT do?", "ECPAT"),
        ("Describe The Code.", "The Code"),
        ("When was ECPAT founded?", None),
        ("What does ECPAT focus on?", None),
        ("What is the name of the taskforce that ECPAT is a member of?", None),  # too long
    ],
)
def test_definition_subject(question: str, subject: str | None) -> None:
    assert definition_subject(question) == subject


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        ("The Code is a set of protocols.", "The Code"),
        (
            "The End Child Prostitution and Trafficking (ECPAT) is a global network of groups.",
            "The End Child Prostitution and Trafficking (ECPAT)",
        ),
        ("The congress was hosted by the Government of Sweden.", None),  # not "is a/an/the"
        ("In 1990, researchers helped to establish ECPAT as a campaign.", None),
    ],
)
def test_defined_subject(sentence: str, subject: str | None) -> None:
    assert defined_subject(sentence) == subject


def test_what_is_x_prefers_the_sentence_that_defines_x() -> None:
    corpus = passages(
        "Lumen staff repair lamps every winter.",
        "Lumen was founded by keepers. Lumen is a guild of lighthouse keepers.",
        "Lumen members meet in spring.",
    )
    retriever = Retriever(corpus, RetrievalSettings())
    best = retriever.search(retriever.query("What is Lumen?"))[0]
    assert best.passage.id == "p2"
    assert 1 in best.sentences
    # Asked something else about it, the defining sentence has no claim.
    other = retriever.search(retriever.query("When do Lumen members meet?"))[0]
    assert other.passage.id == "p3"


def test_what_is_ecpat_is_answered_by_the_first_sentence(ecpat: Retriever) -> None:
    best = ecpat.search(ecpat.query("What is ECPAT?"), 3)[0]
    assert best.passage.id == "lead-1"
    assert best.passage.sentences[best.sentences[0]].text.startswith(
        "The End Child Prostitution and Trafficking (ECPAT) is a global network"
    )


@pytest.mark.parametrize(
    "question",
    [
        "What is ECPAT?",
        "Tell me about ECPAT",
        "What does ECPAT do?",
        "What do you know about ECPAT?",
    ],
)
def test_asking_what_the_subject_is_gets_the_articles_first_sentence(
    engine: Engine, question: str
) -> None:
    reply = engine.reply(Conversation(), question)[0]
    assert reply.kind == "answer"
    assert reply.text.startswith(
        "The End Child Prostitution and Trafficking (ECPAT) is a global network of civil society"
    )


def test_a_question_frame_is_not_part_of_the_question(ecpat: Retriever, engine: Engine) -> None:
    query = ecpat.query("Can you tell me when The Code was developed?")
    assert query.text == "when The Code was developed?"  # so it asks for a date
    assert ecpat.query("what can you tell me about\n the code?").text == "about the code?"
    assert ecpat.query("I’d like to know who chairs ECPAT").text == "who chairs ECPAT"
    assert "tell" not in query.terms and "know" not in ecpat.query("Do you know who I am?").terms
    assert "Carol Bellamy" in engine.ask("Could you tell me who chairs ECPAT?").text
    assert engine.ask("do you know").kind == "decline"  # a frame and nothing in it


def test_the_adjective_of_how_old_or_how_long_does_not_count_in_coverage(
    ecpat: Retriever, engine: Engine
) -> None:
    query = ecpat.query("How old is ECPAT?")
    assert query.measure == {"old"} and set(ecpat.coverage_mass(query)) == {"ecpat"}
    assert ecpat.query("How long did the campaign run?").measure == {"long"}
    assert not ecpat.query("Is the long campaign over?").measure  # only after "how"
    # The decision reads only "ECPAT" as what is asked about, too: the passage quoted is 1990's.
    decision = engine.pipeline.answer("How old is ECPAT?")
    assert decision.question.words == (("ecpat", "ecpat"),)
    assert "1990" in decision.quote


def test_a_name_the_article_never_uses_stands_for_one_it_names_with_the_same_start() -> None:
    corpus = passages(
        "The congress met in Stockholm, Sweden, in 1996.",
        "The market of the town opened in 1990.",
    )
    retriever = Retriever(corpus, RetrievalSettings())
    query = retriever.query("Which Swedish city hosted the congress?")
    assert dict(query.alternatives)["swedish"] == {"sweden"}
    best = retriever.search(query)[0]
    other = retriever.search(retriever.query("Which Norwegian city hosted the congress?"))[0]
    assert best.passage.id == other.passage.id == "p1"
    assert best.coverage > other.coverage  # "Sweden" covers "Swedish"; nothing covers "Norwegian"
    # A name something stands in for weighs like any word the article never uses, not like an
    # unknown name: "translate 'hello' into Swedish" is not about Sweden.
    rare = retriever.index.rare_idf
    assert retriever.coverage_mass(query)["swedish"] == pytest.approx(0.5 * rare)
    assert retriever.coverage_mass(retriever.query("Which Norwegian city?"))["norwegian"] == (
        pytest.approx(2 * rare)
    )
    # Only the article's names stand in: "Mark" is no "market".
    assert "mark" not in dict(retriever.query("When did Mark open the town?").alternatives)
