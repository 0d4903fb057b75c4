"""Reading and writing plain text safely: clear errors on bad input, atomic writes."""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
from pathlib import Path

from ..errors import InputError

BOM = "\ufeff"
_BINARY_SNIFF = 8192


def decode(data: bytes, name: str, encoding: str = "utf-8") -> tuple[str, bool]:
    """Decode ``data`` strictly; return ``(text, had_bom)``. Raise :class:`InputError`
    naming ``name`` (and the line) when it is binary, UTF-16/32, or not ``encoding``."""
    utf8 = encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
    if utf8 and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("file is UTF-16 (it starts with a UTF-16 byte-order mark); convert it to UTF-8 "
                         "or pass --encoding utf-16", name)
    if utf8 and b"\x00" in data[:_BINARY_SNIFF]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError("binary file (NUL byte); retrans reads text", name, line)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                         "pass --encoding if the file uses another encoding", name, line) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", name) from None
    had_bom = text.startswith(BOM)
    if had_bom:
        text = text[1:]
    return text, had_bom


def read_bytes(path: str | Path) -> bytes:
    """Read a file or ``-`` (stdin) as bytes, turning OS errors into :class:`InputError`."""
    name = str(path)
    if name == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", name)
    if p.is_dir():
        raise InputError("is a directory, expected a file", name)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", name) from None


def read_text(path: str | Path, encoding: str = "utf-8", allow_empty: bool = False) -> tuple[str, bool]:
    """Read a text file strictly as ``encoding``; return ``(text, had_bom)``."""
    name = "<stdin>" if str(path) == "-" else str(path)
    text, had_bom = decode(read_bytes(path), name, encoding)
    if not allow_empty and not text.strip():
        raise InputError("file is empty", name)
    return text, had_bom


def write_text_atomic(path: str | Path, text: str, bom: bool = False, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, so that
    readers never see a half-written file and an interrupted write leaves none."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = ((BOM if bom else "") + text).encode(encoding)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
