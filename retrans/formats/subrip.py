"""SubRip (``.srt``) subtitles: each cue's text is repaired; numbers and timings are not.

The ``srt`` package checks the file (a garbled cue is an error naming its line);
its cue pattern also gives where each cue's text sits, so the file is rebuilt by
splicing and everything else stays byte for byte. A cue's segment id is its number.
"""

from __future__ import annotations

import srt

from ..errors import FormatError
from .documents import Parsed, Segment, splice


class SubRipFormat:
    name = "srt"

    def parse(self, text: str, name: str) -> Parsed:
        try:
            for _ in srt.parse(text):
                pass
        except srt.SRTParseError as exc:
            line = text.count("\n", 0, exc.expected_start) + 1
            raise FormatError("not a valid SubRip cue here (expected a number and a timing line)",
                              name, line) from None
        segments: list[Segment] = []
        for k, m in enumerate(srt.SRT_REGEX.finditer(text), 1):
            start, end = m.span(5)
            if text[start:end].strip():
                index = m.group(1)
                segments.append(Segment(index.strip() if index else str(k), start, end, text[start:end]))
        return Parsed(segments, lambda repaired: splice(text, segments, repaired))
