"""Infobox facts beyond an organisation's labels: every ``Label value`` line is a fact."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run_main

from corpus import parse_article

# A made-up lake in the shipped article's plain-text layout; its infobox labels are a lake's
# (one value after a tab, one on the line after its label, one lower-case value).
LAKE = """Lake Varnholm

From Wikipedia, the free encyclopedia
Lake Varnholm
Location Nordmark, Fictland
Coordinates 61°12′N 14°03′E
Type glacial lake
Primary inflows Varn River
Primary outflows\tHolm Canal
Max. length 14 km
Surface area 38 km2 (15 sq mi)
Max. depth 120 m
Surface elevation 475 m
Frozen never
Islands
Storö, Lillö
Settlements Varnby[1]

Lake Varnholm is a fictional glacial lake in the Nordmark region of Fictland.[1] \
It is the deepest lake in the region.

History[edit]

The first settlers reached the lake shore around 1200, and the village of Varnby grew up by \
the outflow.[2]

  1. ^ "Lakes of Nordmark". nordmark-lakes.org. Retrieved 2021-05-01.
  2. ^ Holm, Erik (1999). A History of Varnby.
"""


def test_every_label_value_line_is_a_fact() -> None:
    assert parse_article(LAKE).facts == (
        ("Name", "Lake Varnholm"),
        ("Location", "Nordmark, Fictland"),
        ("Coordinates", "61°12′N 14°03′E"),
        ("Type", "glacial lake"),
        ("Primary inflows", "Varn River"),
        ("Primary outflows", "Holm Canal"),
        ("Max. length", "14 km"),
        ("Surface area", "38 km2 (15 sq mi)"),
        ("Max. depth", "120 m"),
        ("Surface elevation", "475 m"),
        ("Frozen", "never"),
        ("Islands", "Storö, Lillö"),
        ("Settlements", "Varnby"),
    )


def test_the_infobox_passage_quotes_each_fact() -> None:
    box = parse_article(LAKE).passages[0]
    assert (box.id, box.section) == ("infobox", "Infobox")
    assert "Max. depth: 120 m." in box.text and "Surface elevation: 475 m." in box.text
    assert [s.text for s in box.sentences][:2] == [
        "Lake Varnholm.",
        "Location: Nordmark, Fictland.",
    ]


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("What is the max depth of Lake Varnholm?", "Max. depth: 120 m"),
        ("What is the surface elevation of Lake Varnholm?", "Surface elevation: 475 m"),
    ],
)
def test_a_lake_fact_answers_through_the_cli(
    isolated: Path, capsys: pytest.CaptureFixture[str], question: str, fact: str
) -> None:
    (isolated / "lake.txt").write_text(LAKE, encoding="utf-8")
    code, out, err = run_main(capsys, "ask", question, "--article", "lake.txt")
    assert (code, err) == (0, "")
    assert fact in out.splitlines()[0]
    assert "› Infobox" in out
