"""The glossary as a plain JSON dump: ``{"version": 1, "entries": [...]}``, the YAML schema in JSON.

Reading goes through the YAML schema checks (JSON is YAML), so a JSON glossary is held
to the same rules and its errors carry the same file and line.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import GlossaryError
from ..glossary import Glossary
from .glossary_yaml import parse_glossary
from .text import read_text, write_text_atomic


def dumps_json(glossary: Glossary) -> str:
    """The glossary as indented JSON text (one form list per line is not attempted: plain ``indent=1``)."""
    return json.dumps(glossary.to_dict(), ensure_ascii=False, indent=1) + "\n"


def parse_json(text: str, path: str = "<json>") -> Glossary:
    """Parse a JSON glossary; malformed JSON is reported with its line."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise GlossaryError(f"malformed JSON: {exc.msg}", path, exc.lineno) from None
    return parse_glossary(text, path)


def read_json_glossary(path: str | Path) -> Glossary:
    """Read one JSON glossary file."""
    text, _ = read_text(path, encoding_option=False)
    return parse_json(text, str(path))


def write_json_glossary(glossary: Glossary, path: str | Path) -> None:
    """Write ``glossary`` as JSON, atomically."""
    write_text_atomic(path, dumps_json(glossary))
