"""Compiled glossaries cached as JSON, keyed on the sha256 of the glossary file's bytes.

Reading a YAML glossary means parsing it and checking the schema: seconds for 10⁵
entries. The checked result is stored as compact JSON (never pickle) under
``<cache root>/glossaries/<sha256>.json``, written atomically, so the next load of the
same bytes skips YAML altogether. A cache file that is unreadable, corrupt or of
another format version is ignored and rebuilt; a cache folder that cannot be written
only costs speed. ``$RETRANS_GLOSSARY_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

from .errors import InputError, RetransError
from .formats.glossary_yaml import parse_glossary
from .formats.text import decode_stream, read_bytes, write_text_atomic
from .glossary import Entry, Forms, Glossary

CACHE_FORMAT = 1
CACHE_ENV = "RETRANS_GLOSSARY_CACHE"


def cache_dir() -> Path:
    """The folder of cached glossaries."""
    from .lm import cache_root

    return cache_root() / "glossaries"


def enabled() -> bool:
    """Whether the cache is on (``$RETRANS_GLOSSARY_CACHE`` not ``0``)."""
    return os.environ.get(CACHE_ENV, "1") != "0"


def _encode(glossary: Glossary) -> list[Any]:
    rows = []
    for e in glossary:
        line = int(e.source.rsplit(":", 1)[1]) if e.source.rsplit(":", 1)[-1].isdigit() else 0
        rows.append([e.id, e.kind, e.note, line,
                     {lang: [f.canonical, f.variants, f.admitted, f.mistranslations, f.cues]
                      for lang, f in e.forms.items()}])
    return rows


def _decode(rows: list[Any], path: str) -> Glossary:
    entries = []
    for entry_id, kind, note, line, forms in rows:
        built = {lang: Forms(c, tuple(v), tuple(a), tuple(m), tuple(q)) for lang, (c, v, a, m, q) in forms.items()}
        entries.append(Entry(entry_id, kind, note, built, f"{path}:{line}"))
    return Glossary(entries)


def _read_cached(file: Path, key: str, path: str) -> Glossary | None:
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
        if record.get("format") != CACHE_FORMAT or record.get("sha256") != key:
            return None
        return _decode(record["entries"], path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing or corrupt: rebuilt by the caller


def _write_cached(file: Path, key: str, glossary: Glossary) -> None:
    record = {"format": CACHE_FORMAT, "sha256": key, "entries": _encode(glossary)}
    try:
        write_text_atomic(file, json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    except RetransError:
        pass  # a read-only cache only costs speed


def load_glossary_file(path: str | Path, use_cache: bool | None = None) -> Glossary:
    """Read a YAML (or JSON) glossary file, through the cache when it is on."""
    name = str(path)
    data = read_bytes(path)
    key = hashlib.sha256(data).hexdigest()
    use_cache = enabled() if use_cache is None else use_cache
    file = cache_dir() / f"{key}.json" if use_cache else None
    if file is not None:
        cached = _read_cached(file, key, name)
        if cached is not None:
            return cached
    text, _ = decode_stream(io.BytesIO(data), name, encoding_option=False)
    if not text.strip():
        raise InputError("file is empty", name)
    glossary = parse_glossary(text, name)
    if file is not None:
        _write_cached(file, key, glossary)
    return glossary
