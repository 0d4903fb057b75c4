"""Markdown documents: prose is repaired; code, links' targets, inline HTML and front matter are not.

markdown-it-py (CommonMark, with tables) finds the blocks that hold inline text
(paragraphs, headings, list items, table cells) and their source lines; fenced
and indented code, HTML blocks and YAML front matter hold none. Within those
lines, code spans, autolinks, inline HTML tags, link destinations and bare URLs
are cut out, and the pieces in between are the segments. The file is rebuilt by
splicing, so markup is byte-identical.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from .documents import Parsed, Segment, line_starts, position_id, splice

_MASK = re.compile(
    r"(?P<code>(?<!`)(`+)(?!`).*?(?<!`)\2(?!`))"  # a code span (may cross lines)
    r"|<[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*>"  # an autolink
    r"|<[^>\n]*@[^>\n]*>"  # an e-mail autolink
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"  # an inline HTML tag
    r"|<!--.*?-->"
    r"|\]\([^)\n]*\)"  # a link or image destination
    r"|\]\[[^\]\n]*\]"  # a reference label
    r"|https?://[^\s<>)\]]+",  # a bare URL
    re.S,
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


class MarkdownFormat:
    name = "markdown"

    def __init__(self) -> None:
        self.md = MarkdownIt("commonmark").enable("table")

    def parse(self, text: str, name: str) -> Parsed:
        starts = line_starts(text)
        front = _FRONT_MATTER.match(text)
        skip_to = front.end() if front else 0
        regions: list[tuple[int, int]] = []
        for tok in self.md.parse(text):
            if tok.type != "inline" or tok.map is None:
                continue
            a, b = tok.map
            start = starts[a]
            end = starts[b] - 1 if b < len(starts) else len(text)
            if start >= skip_to and (not regions or start >= regions[-1][1]):
                regions.append((start, end))
        segments: list[Segment] = []
        for start, end in regions:
            block = text[start:end]
            pos = 0
            pieces: list[tuple[int, int]] = []
            for m in _MASK.finditer(block):
                pieces.append((pos, m.start()))
                pos = m.end()
            pieces.append((pos, len(block)))
            for a, b in pieces:
                if block[a:b].strip():
                    segments.append(Segment(position_id(starts, start + a), start + a, start + b, block[a:b]))
        return Parsed(segments, lambda repaired: splice(text, segments, repaired))
