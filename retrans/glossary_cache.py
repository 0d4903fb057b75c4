"""Glossaries and compiled matchers cached on disk, keyed on content.

Reading a YAML glossary means parsing it and checking the schema, and compiling the
detection automaton means folding and adding every form: seconds each for 10⁵
entries. Both results are cached under ``<cache root>/glossaries/``:

``<sha256 of the file's bytes>.g<format>.json``
    The checked entries of one glossary file as JSON, one entry per line in its
    canonical form (sorted keys: what :attr:`Glossary.digest` hashes), after a header
    line with the ids, source lines and language codes. Entries are decoded lazily, each when first used.
``<sha256 of glossary digest, language, retrans version, format>.ac``
    The compiled matcher of one language of a (merged) glossary: its pattern table, which
    patterns are suspect or matter as protected, and their anchor-word indexes
    (:class:`retrans.detect.Compiled`) and the hashes of the anchors
    (:class:`retrans.pieces.PieceSet`), as columns (:mod:`retrans.columns`): strings joined by
    newlines and 64-bit integers, read without parsing each value. Data only: no pickle, no
    automaton; loading checks that the columns fit together.

Every cache file starts with the sha256 of the rest and is checked before use: a
missing, truncated, corrupt, foreign or stale file is ignored and rebuilt, never used.
Files are written atomically; a cache folder that cannot be written only costs speed.
``$RETRANS_GLOSSARY_CACHE=0`` turns the cache off; ``$RETRANS_CACHE`` moves it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np

from . import __version__, columns
from .detect import AnchorIndex, Compiled, Matcher, PatternTable
from .errors import InputError, RetransError
from .formats.glossary_yaml import parse_glossary
from .formats.text import decode_stream, read_bytes, write_files_atomic
from .glossary import Glossary, StoredEntries, entry_json

CACHE_FORMAT = 3
MATCHER_FORMAT = 10
CACHE_ENV = "RETRANS_GLOSSARY_CACHE"
MATCHER_MIN_ENTRIES = 2_000  # smaller glossaries compile in milliseconds: not worth a cache file
_CHECK_HEAD = b'{"check":"'  # every file: {"check":"<64 hex>", ... ; the hash covers what follows
_CHECK_END = len(_CHECK_HEAD) + 64
_ENTRIES_OPEN = b',"entries":['
_ENTRIES_CLOSE = b"\n]}\n"


def cache_dir() -> Path:
    """The folder of cached glossaries and matchers."""
    from .lm import cache_root

    return cache_root() / "glossaries"


def enabled() -> bool:
    """Whether the cache is on (``$RETRANS_GLOSSARY_CACHE`` not ``0``)."""
    return os.environ.get(CACHE_ENV, "1") != "0"


_BODY = _CHECK_END + 1  # where the checked body starts


def _seal(body: bytes) -> bytes:
    """``body`` (which must start with ``,``) behind its own sha256."""
    return _CHECK_HEAD + hashlib.sha256(body).hexdigest().encode("ascii") + b'"' + body


def _read(file: Path) -> bytes | None:
    """A sealed file's bytes (body from ``_BODY``) when its hash matches, else ``None``; never copied."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    if not data.startswith(_CHECK_HEAD) or data[_CHECK_END:_BODY] != b'"':
        return None
    if hashlib.sha256(memoryview(data)[_BODY:]).hexdigest().encode("ascii") != data[len(_CHECK_HEAD):_CHECK_END]:
        return None
    return data


def _write(file: Path, data: bytes) -> None:
    try:
        write_files_atomic([(file, data)])
    except RetransError:
        pass  # a read-only cache only costs speed


# -- glossary files ---------------------------------------------------------------------------------

def _encode_glossary(key: str, glossary: Glossary) -> bytes:
    entries = list(glossary)
    lines = [int(e.source.rsplit(":", 1)[1]) if e.source.rsplit(":", 1)[-1].isdigit() else 0 for e in entries]
    header = json.dumps({"format": CACHE_FORMAT, "sha256": key, "ids": [e.id for e in entries], "lines": lines,
                         "languages": glossary.languages()}, ensure_ascii=False, separators=(",", ":"))
    body = b"," + header[1:-1].encode("utf-8") + _ENTRIES_OPEN + b"\n"
    return _seal(body + b",\n".join(entry_json(e) for e in entries) + _ENTRIES_CLOSE)


def _decode_glossary(data: bytes, key: str, path: str) -> Glossary | None:
    head_end = data.find(b"\n")
    if head_end < 0 or not data.endswith(_ENTRIES_CLOSE) \
            or data[head_end - len(_ENTRIES_OPEN):head_end] != _ENTRIES_OPEN:
        return None
    try:
        header = json.loads(b"{" + data[_BODY + 1:head_end - len(_ENTRIES_OPEN)] + b"}")
        if header["format"] != CACHE_FORMAT or header["sha256"] != key:
            return None
        ids, lines = header["ids"], header["lines"]
        languages = frozenset(header["languages"])
        if not all(isinstance(lang, str) for lang in languages):
            return None
    except (ValueError, KeyError, TypeError):
        return None
    if len(data) == head_end + 1 + len(_ENTRIES_CLOSE):
        rows = []
    else:  # split the whole file (no copy of the body), then cut the header and the closing off
        rows = data.split(b",\n")
        rows[0] = rows[0][head_end + 1:]
        rows[-1] = rows[-1][:-len(_ENTRIES_CLOSE)]
    if not (len(rows) == len(ids) == len(lines)):
        return None
    slots = StoredEntries(rows, lines, path).slots(ids)
    return Glossary.lazy(slots, languages=languages) if len(slots) == len(ids) else None


def load_glossary_file(path: str | Path, use_cache: bool | None = None) -> Glossary:
    """Read a YAML (or JSON) glossary file, through the cache when it is on."""
    name = str(path)
    data = read_bytes(path)
    key = hashlib.sha256(data).hexdigest()
    use_cache = enabled() if use_cache is None else use_cache
    file = cache_dir() / f"{key}.g{CACHE_FORMAT}.json" if use_cache else None  # versions side by side
    if file is not None:
        stored = _read(file)
        cached = _decode_glossary(stored, key, name) if stored is not None else None
        if cached is not None:
            return cached
    text, _ = decode_stream(io.BytesIO(data), name, encoding_option=False)
    if not text.strip():
        raise InputError("file is empty", name)
    glossary = parse_glossary(text, name)
    if file is not None:
        _write(file, _encode_glossary(key, glossary))
    return glossary


# -- compiled matchers ------------------------------------------------------------------------------

def matcher_key(glossary: Glossary, lang: str) -> str:
    """What a compiled matcher depends on: the glossary's content, the language, retrans and the format."""
    return hashlib.sha256(f"{MATCHER_FORMAT}|{__version__}|{lang}|{glossary.digest}".encode()).hexdigest()


def _encode_matcher(key: str, matcher: Matcher) -> bytes | None:
    """The sealed cache file of ``matcher``: its small fields and columns (:func:`retrans.columns.pack`);
    ``None`` when a form holds a newline (not expected of a glossary; such a matcher is compiled each time)."""
    c = matcher.compiled
    t = c.table
    strings: dict[str, list[str]] = {"keys": t.keys or [], "forms": t.forms, "entry_ids": t.entry_ids}
    numbers = {"suspect": np.array(c.suspect, np.int64), "protected": np.array(c.protected, np.int64)}
    if c.suspect_index is not None and c.protected_index is not None:
        for name, index in (("suspect", c.suspect_index), ("protected", c.protected_index)):
            strings[f"{name}_anchors"] = index.anchors
            numbers[f"{name}_offsets"], numbers[f"{name}_patterns"] = index.offsets, index.patterns
        numbers["anchor_hashes"] = np.frombuffer(matcher._pieces.hash_bytes, "<i8")
    fields = {"format": MATCHER_FORMAT, "key": key, "kinds": t.kinds.hex(), "suspect_wide": c.suspect_wide,
              "protected_wide": c.protected_wide}
    body = columns.pack(fields, strings, numbers)
    return None if body is None else _seal(b"," + body)


def _decode_matcher(data: bytes, key: str, glossary: Glossary, lang: str) -> Matcher | None:
    """The matcher in a sealed cache file (:func:`_encode_matcher`), or ``None`` when it is not this
    glossary's or does not hold together."""
    try:
        head, strings, numbers = columns.unpack(memoryview(data)[_BODY + 1:])
        if head["format"] != MATCHER_FORMAT or head["key"] != key:
            return None
        keys, forms, ids = strings["keys"], strings["forms"], strings["entry_ids"]
        kinds = bytes.fromhex(head["kinds"])
        count = len(keys)
        if not (len(forms) == len(ids) == len(kinds) == count) or max(kinds, default=0) > 2:
            return None
        suspect, protected = numbers["suspect"], numbers["protected"]
        if any(len(a) and not 0 <= int(a.min()) <= int(a.max()) < count for a in (suspect, protected)):
            return None
        indexes: list[AnchorIndex | None] = [None, None]
        hashes = None
        if "suspect_anchors" in strings:
            for k, name in enumerate(("suspect", "protected")):
                index = AnchorIndex(strings[f"{name}_anchors"], numbers[f"{name}_offsets"],
                                    numbers[f"{name}_patterns"])
                index.check(count)
                indexes[k] = index
            hashes = numbers["anchor_hashes"].tobytes()
        table = PatternTable(list(map(len, keys)), forms, ids, kinds, keys)
        compiled = Compiled(table, suspect.tolist(), protected.tolist(), *indexes, head["suspect_wide"],
                            head["protected_wide"], hashes)
        return Matcher(glossary, lang, compiled=compiled)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def load_matcher(glossary: Glossary, lang: str, use_cache: bool | None = None,
                 min_entries: int = MATCHER_MIN_ENTRIES) -> Matcher:
    """The :class:`Matcher` of ``lang`` for ``glossary``: from the cache when it is on and holds it
    (checked), else compiled, and then stored for next time (glossaries of ``min_entries`` or more)."""
    use_cache = enabled() if use_cache is None else use_cache
    if not use_cache or len(glossary) < min_entries:
        return Matcher(glossary, lang)
    key = matcher_key(glossary, lang)
    file = cache_dir() / f"{key}.ac"
    data = _read(file)
    if data is not None:
        matcher = _decode_matcher(data, key, glossary, lang)
        if matcher is not None:
            return matcher
    matcher = Matcher(glossary, lang)
    data = _encode_matcher(key, matcher)
    if data is not None:
        _write(file, data)
    return matcher
