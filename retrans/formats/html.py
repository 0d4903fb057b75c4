"""HTML documents: the text between tags is repaired; tags, attributes, comments, scripts and styles are not.

The stdlib tokenizer (:class:`html.parser.HTMLParser`) reports where each run of
text starts, so the file is rebuilt by splicing repaired text into the original:
markup is byte-identical (re-serialising a tree would not be). Character
references (``&amp;``) split text runs and are kept as they are. Text inside
``<script>``, ``<style>``, ``<code>``, ``<pre>`` and ``<textarea>`` is skipped.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .documents import Parsed, Segment, line_starts, position_id, splice

SKIP = frozenset({"script", "style", "code", "pre", "textarea", "kbd", "samp"})


class _Texts(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.starts = line_starts(text)
        self.skip = 0
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in SKIP:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.skip or not data.strip():
            return
        line, col = self.getpos()
        offset = self.starts[line - 1] + col
        if self.text[offset:offset + len(data)] == data:  # always, for data taken verbatim from the input
            self.found.append((offset, data))


def _escape(seg: Segment, new: str) -> str:
    if "&" in seg.text or "<" in seg.text:  # the run was raw text with such characters: leave them be
        return new
    return new.replace("&", "&amp;").replace("<", "&lt;")


class HtmlFormat:
    name = "html"

    def parse(self, text: str, name: str) -> Parsed:
        parser = _Texts(text)
        parser.feed(text)
        parser.close()
        segments = [Segment(position_id(parser.starts, off), off, off + len(data), data)
                    for off, data in parser.found]
        return Parsed(segments, lambda repaired: splice(text, segments, repaired, _escape))
