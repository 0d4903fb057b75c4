"""Document formats: segments are the repairable text, and the file comes back byte for byte outside them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrans.config import RepairConfig
from retrans.engines import Job, WorkContext, Worker
from retrans.errors import FormatError
from retrans.formats.documents import format_name, get_format

JSONL = ('{"id": 1, "body": {"text": "Zelnski said", "n": [1, {"text": "not this"}]}, "t": "Zelnski"}\n'
         '\n'
         '{"id":2,"body":{"text":"caf\\u00e9 \\"Soumy\\""},"extra":null}\n'
         '{"id": 3}\n')
HTML = ('<!DOCTYPE html>\n<html><head><title>Zelnski visit</title><style>.Zelnski{}</style>'
        '<script>var s = "Zelnski";</script></head>\n'
        '<body><p class="Zelnski" data-x=\'Soumy\'>Mark Route &amp; <b>Zelnski</b> in Soumy</p>'
        '<!-- Zelnski --><pre>Zelnski</pre><code>Zelnski</code>\r\n</body></html>\n')
MARKDOWN = ("---\ntitle: Zelnski\n---\n# Zelnski in Soumy\n\nSaid `Zelnski` to [Mark Route](https://x.org/Zelnski)"
            " and <span title=\"Zelnski\">Zelnski</span>.\n\n```\nZelnski = 1\n```\n\n    Zelnski indented code\n\n"
            "- Mark Route\n- see https://example.org/Soumy\n\n| a | b |\n|---|---|\n| Zelnski | x |\n")
SRT = ("1\r\n00:00:01,000 --> 00:00:02,500\r\nZelnski said\r\nin Soumy\r\n\r\n"
       "2\r\n00:00:03,000 --> 00:00:04,000\r\n<i>Mark Route</i>\r\n")
XLIFF12 = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n'
           ' <file source-language="fa-IR" target-language="en" datatype="plaintext" original="x">\n  <body>\n'
           '   <trans-unit id="a"><source>حمله روسیه به سومی</source><target>An attack on Soumy.</target>'
           '<note>Zelnski</note></trans-unit>\n'
           '   <trans-unit id="b"><source>زلنسکی</source><target>The <g id="1">Zelnski</g> '
           '<ph id="2">{Zelnski}</ph> said</target></trans-unit>\n'
           '   <trans-unit id="c"><source>no target</source></trans-unit>\n'
           '  </body>\n </file>\n</xliff>\n')
XLIFF2 = ('<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fa" '
          'trgLang="en"><file id="f"><unit id="u1"><segment><source>سومی</source><target>Soumy</target></segment>'
          '</unit><unit id="u2"><segment id="s1"><source>x</source><target>Zelnski</target></segment>'
          '<segment id="s2"><source>y</source><target>Mark Route</target></segment></unit></file></xliff>')

CASES = {"jsonl": JSONL, "html": HTML, "markdown": MARKDOWN, "srt": SRT, "xliff": XLIFF12}


def segments(fmt: str, text: str, field: str = "text"):
    return get_format(fmt, field).parse(text, "f").segments


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_unchanged_segments_give_the_file_back_byte_for_byte(fmt):
    text = CASES[fmt]
    parsed = get_format(fmt, "body.text").parse(text, "f")
    assert parsed.segments
    assert parsed.render([s.text for s in parsed.segments]) == text


@pytest.mark.parametrize("fmt", ["jsonl", "html", "markdown", "srt"])
def test_changes_stay_inside_the_segments(fmt):
    """Every character outside the segments' spans is unchanged, and in order."""
    text = CASES[fmt]
    parsed = get_format(fmt, "body.text").parse(text, "f")
    out = parsed.render([s.text.replace("Zelnski", "Volodymyr Zelensky") for s in parsed.segments])
    pos = 0
    for seg in sorted(parsed.segments, key=lambda s: s.start):
        gap = text[pos:seg.start]
        assert gap in out, (fmt, gap)
        pos = seg.end
    assert out.endswith(text[pos:])


def test_jsonl_repairs_the_dotted_field_only_and_keeps_everything_else():
    segs = segments("jsonl", JSONL, "body.text")
    assert [(s.id, s.text) for s in segs] == [("1", "Zelnski said"), ("3", 'café "Soumy"')]
    parsed = get_format("jsonl", "body.text").parse(JSONL, "f")
    out = parsed.render(["Volodymyr Zelensky said", 'café "Sumy"'])
    lines = out.split("\n")
    assert lines[0] == JSONL.split("\n")[0].replace('"Zelnski said"', '"Volodymyr Zelensky said"')
    assert lines[2] == '{"id":2,"body":{"text":"caf\\u00e9 \\"Sumy\\""},"extra":null}'  # ASCII escapes kept
    assert [list(json.loads(x)) for x in lines if x] == [list(json.loads(x)) for x in JSONL.split("\n") if x]
    assert [s.text for s in segments("jsonl", JSONL)] == []  # no top-level "text" field: nothing to repair


def test_jsonl_bad_line_names_the_line():
    with pytest.raises(FormatError) as exc:
        segments("jsonl", '{"text": "a"}\n{"text": oops}\n')
    assert exc.value.oneline().startswith("f:2: not valid JSON")
    with pytest.raises(FormatError, match="must be an object"):
        segments("jsonl", '["text"]\n')


def test_html_skips_markup_scripts_styles_code_and_attributes():
    segs = segments("html", HTML)
    assert [s.text for s in segs] == ["Zelnski visit", "Mark Route ", "Zelnski", " in Soumy"]
    assert segs[0].id == "2:20"  # line:column of the text in the file
    parsed = get_format("html", "text").parse("<p>Zelnski</p>", "f")
    assert parsed.render(["A & <B>"]) == "<p>A &amp; &lt;B></p>"  # new text is escaped


def test_markdown_skips_code_links_html_and_front_matter():
    texts = [s.text for s in segments("markdown", MARKDOWN)]
    joined = "|".join(texts)
    assert "# Zelnski in Soumy" in texts and "- Mark Route" in joined
    assert "`Zelnski`" not in joined and "x.org" not in joined and "title=" not in joined
    assert "Zelnski = 1" not in joined and "indented code" not in joined and "title: Zelnski" not in joined
    assert "example.org" not in joined and "| Zelnski | x |" in joined
    assert joined.count("Zelnski") == 3 and "[Mark Route|" in joined  # heading, span content, table cell


def test_srt_cues_keep_numbers_and_timings():
    segs = segments("srt", SRT)
    assert [(s.id, s.text) for s in segs] == [("1", "Zelnski said\r\nin Soumy"), ("2", "<i>Mark Route</i>")]
    with pytest.raises(FormatError) as exc:
        segments("srt", SRT + "\r\n3\r\n00:00:0x --> 1\r\nbroken\r\n")
    assert exc.value.line == 10  # where cue 3 starts


def test_xliff_targets_with_their_sources():
    parsed = get_format("xliff").parse(XLIFF12, "f")
    assert parsed.source_lang == "fa"
    assert [(s.id, s.text, s.source) for s in parsed.segments] == [
        ("a", "An attack on Soumy.", "حمله روسیه به سومی"), ("b.1", "The ", "زلنسکی"),
        ("b.2", "Zelnski", "زلنسکی"), ("b.3", " said", "زلنسکی")]
    out = parsed.render(["An attack on Sumy.", "The ", "Volodymyr Zelensky", " said"])
    assert out == (XLIFF12.replace("on Soumy.", "on Sumy.")
                   .replace('<g id="1">Zelnski</g>', '<g id="1">Volodymyr Zelensky</g>'))
    p2 = get_format("xliff").parse(XLIFF2, "f")
    assert p2.source_lang == "fa"
    assert [(s.id, s.text) for s in p2.segments] == [("u1", "Soumy"), ("u2/s1", "Zelnski"), ("u2/s2", "Mark Route")]
    assert p2.render([s.text for s in p2.segments]) == XLIFF2


@pytest.mark.parametrize("bad", ["<xliff><file>", "<html/>", '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'])
def test_bad_xliff_is_a_format_error(bad):
    with pytest.raises(FormatError):
        segments("xliff", bad)


def test_format_by_suffix():
    assert [format_name(n) for n in ("a.TXT", "b.jsonl", "c.htm", "d.md", "e.srt", "f.xlf", "g.dat")] == [
        "text", "jsonl", "html", "markdown", "srt", "xliff", "text"]
    assert format_name("a.txt", "html") == "html"


def test_worker_repairs_an_xliff_bilingually(news_glossary):
    """The XLIFF's source language is the default --source-lang: the source decides the ambiguous span."""
    text = XLIFF12.replace("An attack on Soumy.", "The third round of talks.").replace(
        "حمله روسیه به سومی", "دور سوم مذاکرات")
    text = text.replace("<target>The <g", "<target>Donald Teramp and <g")
    text = text.replace("<source>زلنسکی", "<source>دونالد ترامپ")
    worker = Worker(WorkContext(news_glossary, RepairConfig(model="none"), keep_text=True))
    out = worker.run(Job(0, "t.xlf", "t.xlf", "xliff", text))
    assert out.error is None
    assert "The third round of talks." in out.text  # سوم ("third") in the source: not Sumy
    assert "Donald Trump and " in out.text
    by_doc = {e.doc: e for e in out.edits}
    assert by_doc["t.xlf#a"].evidence["source"] < 0 and not by_doc["t.xlf#a"].applied
    assert by_doc["t.xlf#b.1"].evidence["source"] > 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Zelnski", " ", "\n", "\n\n", "`", "<b>", "</b>", "&amp;", "[", "](u)", "#", "-",
                                 "<script>", "</script>", "Soumy", "é", "\r\n", "```", "<", ">", "*"]), max_size=40))
def test_html_and_markdown_never_change_markup(parts):
    text = "".join(parts)
    for fmt in ("html", "markdown"):
        parsed = get_format(fmt).parse(text, "f")
        assert parsed.render([s.text for s in parsed.segments]) == text
        for s in parsed.segments:
            assert text[s.start:s.end] == s.text
        out = parsed.render([s.text.replace("Zelnski", "Zelensky") for s in parsed.segments])
        assert out.count("Zelnski") + out.count("Zelensky") == text.count("Zelnski")
