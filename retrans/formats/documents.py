"""Document formats for ``retrans fix``: split a file into repairable text segments and put it back together.

A format's ``parse(text, name)`` returns a :class:`Parsed`: the segments (each a
piece of text the pipeline repairs as one document, with where it sits in the
file) and ``render(repaired)``, which rebuilds the file from the repaired segment
texts. Everything outside the segments comes back byte for byte (XLIFF, rebuilt
by an XML serialiser, is equivalent XML instead; see :mod:`.xliff_doc`).

Formats by name: ``text``, ``jsonl``, ``html``, ``markdown``, ``srt``, ``xliff``;
:func:`format_for` picks one from a file name's suffix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Protocol

from ..errors import InputError


@dataclass(frozen=True)
class Segment:
    """A repairable piece of a file: ``text`` is ``file[start:end]`` for offset formats.

    ``id`` names it in the edit log (``doc#id``); ``source`` is its aligned source text, if any.
    """

    id: str
    start: int
    end: int
    text: str
    source: str | None = None


@dataclass
class Parsed:
    """A parsed file: its segments and how to rebuild it from repaired segment texts."""

    segments: list[Segment]
    render: Callable[[Sequence[str]], str]
    source_lang: str | None = None  # the file's own source language (XLIFF), if it names one
    whole: bool = False  # one segment covering the whole file (plain text): edits keep the bare doc name
    meta: dict[str, str] = field(default_factory=dict)


class DocumentFormat(Protocol):
    name: str

    def parse(self, text: str, name: str) -> Parsed: ...


def splice(text: str, segments: Sequence[Segment], repaired: Sequence[str],
           encode: Callable[[Segment, str], str] | None = None) -> str:
    """``text`` with each changed segment's span replaced by its repaired text (``encode``d if given)."""
    if len(repaired) != len(segments):
        raise ValueError(f"{len(repaired)} repaired texts for {len(segments)} segments")
    out: list[str] = []
    pos = 0
    for seg, new in sorted(zip(segments, repaired), key=lambda p: p[0].start):
        if new == seg.text:
            continue
        out += [text[pos:seg.start], encode(seg, new) if encode else new]
        pos = seg.end
    out.append(text[pos:])
    return "".join(out)


def line_starts(text: str) -> list[int]:
    """Offsets where each line (split on ``\\n``) starts."""
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def position_id(starts: list[int], offset: int) -> str:
    """``LINE:COLUMN`` (both 1-based) of ``offset``: the segment id of HTML and Markdown text."""
    import bisect

    line = bisect.bisect_right(starts, offset)
    return f"{line}:{offset - starts[line - 1] + 1}"


class PlainText:
    """A whole file is one document (the pipeline's own line handling does the rest)."""

    name = "text"

    def parse(self, text: str, name: str) -> Parsed:
        seg = Segment("", 0, len(text), text)
        return Parsed([seg], lambda repaired: repaired[0], whole=True)


FORMAT_NAMES = ("text", "jsonl", "html", "markdown", "srt", "xliff")
SUFFIXES = {".txt": "text", ".text": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html",
            ".htm": "html", ".xhtml": "html", ".md": "markdown", ".markdown": "markdown", ".srt": "srt",
            ".xlf": "xliff", ".xliff": "xliff"}


def format_name(path: str, given: str | None = None) -> str:
    """``given`` (``auto`` or ``None``: guess), else the format the suffix names (unknown suffixes: text)."""
    if given and given != "auto":
        if given not in FORMAT_NAMES:
            raise InputError(f"unknown document format {given!r} (one of auto, {', '.join(FORMAT_NAMES)})")
        return given
    return SUFFIXES.get(PurePath(path).suffix.lower(), "text")


@functools.cache
def get_format(name: str, field_path: str = "text") -> DocumentFormat:
    """The format called ``name`` (built once); ``field_path`` is the JSON Lines field that holds the text."""
    if name == "text":
        return PlainText()
    if name == "jsonl":
        from .jsonl import JsonlFormat

        return JsonlFormat(field_path)
    if name == "html":
        from .html import HtmlFormat

        return HtmlFormat()
    if name == "markdown":
        from .markdown import MarkdownFormat

        return MarkdownFormat()
    if name == "srt":
        from .subrip import SubRipFormat

        return SubRipFormat()
    if name == "xliff":
        from .xliff_doc import XliffFormat

        return XliffFormat()
    raise InputError(f"unknown document format {name!r} (one of {', '.join(FORMAT_NAMES)})")
