"""Reading and writing plain text safely: clear errors on bad input, atomic writes.

Reading is streamed: bytes are decoded in chunks by a strict incremental decoder,
so a bad byte is reported with its line, and a line longer than ``max_line_chars``
is refused after reading at most that much (a 200 MB single-line file costs a
few MB of memory, not 200). Writing goes through a temporary file in the target
folder, ``fsync`` and a rename, so a reader never sees a half-written file; every
OS error becomes an :class:`OutputError` naming the file.
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, RetransError

BOM = "\ufeff"
MAX_LINE_CHARS = 1_000_000  # the longest line accepted; a news paragraph is a few thousand characters
TMP_PREFIX = ".retrans."  # temporary files: .retrans.<name>.<random>.tmp, next to their target
TMP_SUFFIX = ".tmp"
_BINARY_SNIFF = 8192
_CHUNK = 1 << 20
_ENCODING_HINTS = ("cp1252", "latin-1")  # tried, in this order, to suggest an --encoding


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class OutputError(RetransError):
    """An output file or folder cannot be written (no space, read-only, not a folder, ...)."""


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def check_encoding(encoding: str) -> str:
    """Return the codec's canonical name; raise :class:`InputError` for an unknown one."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} (try utf-8, cp1252, latin-1, utf-16)") from None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib ...: not a text encoding
        raise InputError(f"{encoding!r} is not a text encoding (try utf-8, cp1252, latin-1, utf-16)")
    return info.name


def _hint(data: bytes, option: bool) -> str:
    for enc in _ENCODING_HINTS:
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return f"; if it is {enc}, pass --encoding {enc}" if option else f"; if it is {enc}, convert it to UTF-8"
    return "; pass --encoding with the file's encoding" if option else "; convert it to UTF-8"


def decode_stream(stream: BinaryIO, name: str, encoding: str = "utf-8", max_line_chars: int = MAX_LINE_CHARS,
                  encoding_option: bool = True) -> tuple[str, bool]:
    """Decode a byte stream strictly, chunk by chunk; return ``(text, had_bom)``.

    Raise :class:`InputError` naming ``name`` and the line when the data is binary,
    UTF-16/32 read as UTF-8, not ``encoding``, or has a line over ``max_line_chars``.
    ``encoding_option``: whether the command reading it has ``--encoding`` (for the hint).
    """
    check_encoding(encoding)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    utf8 = _is_utf8(encoding)
    parts: list[str] = []
    line_no, line_len, offset = 1, 0, 0
    first = True
    while True:
        chunk = stream.read(max(_CHUNK, _BINARY_SNIFF) if first else _CHUNK)
        final = not chunk
        if first and utf8:
            if chunk.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
                raise InputError("file is UTF-32 (it starts with a UTF-32 byte-order mark); convert it to UTF-8"
                                 + (" or pass --encoding utf-32" if encoding_option else ""), name)
            if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise InputError("file is UTF-16 (it starts with a UTF-16 byte-order mark); convert it to UTF-8"
                                 + (" or pass --encoding utf-16" if encoding_option else ""), name)
            if b"\x00" in chunk[:_BINARY_SNIFF]:
                line = chunk[: chunk.index(b"\x00")].count(b"\n") + 1
                raise InputError("binary file (NUL byte); retrans reads text", name, line)
        first = False
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            # exc.start is relative to the decoder's buffered input, which ends with this chunk
            # (a few held-back bytes of an incomplete sequence, then this chunk; never a newline held back)
            buffered = exc.object if isinstance(exc.object, bytes) else chunk
            line = line_no + buffered[: exc.start].count(b"\n")
            raise InputError(f"not valid {encoding} (byte 0x{buffered[exc.start]:02x} at offset "
                             f"{offset + exc.start - (len(buffered) - len(chunk))}){_hint(chunk, encoding_option)}",
                             name, line) from None
        except UnicodeError as exc:  # e.g. utf-16 without a byte-order mark
            raise InputError(f"not valid {encoding}: {exc}", name, line_no) from None
        if "\x00" in text:
            line = line_no + text[: text.index("\x00")].count("\n")
            raise InputError("binary file (NUL character); retrans reads text", name, line)
        # line lengths, counted as we go so that an endless line is refused early
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                line_no += 1
                line_len = 0
            line_len += len(piece)
            if line_len > max_line_chars:
                raise InputError(f"line is longer than {max_line_chars:,} characters; retrans repairs text "
                                 "with ordinary lines (raise the limit with --max-line-chars)", name, line_no)
        parts.append(text)
        offset += len(chunk)
        if final:
            break
    out = "".join(parts)
    had_bom = out.startswith(BOM)
    if had_bom:
        out = out[1:]
    return out, had_bom


def decode(data: bytes, name: str, encoding: str = "utf-8",
           max_line_chars: int = MAX_LINE_CHARS) -> tuple[str, bool]:
    """Decode ``data`` strictly; return ``(text, had_bom)`` (see :func:`decode_stream`)."""
    import io

    return decode_stream(io.BytesIO(data), name, encoding, max_line_chars)


def _open_input(path: str | Path) -> BinaryIO:
    name = str(path)
    if name == "-":
        return sys.stdin.buffer
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError("is a directory, expected a file", name)
        if not p.exists():
            raise InputError("no such file", name)
        if p.is_socket() or p.is_block_device():
            raise InputError("not a regular file (a socket or a block device)", name)
        return open(p, "rb")  # closed by the caller
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", name) from None


def read_bytes(path: str | Path) -> bytes:
    """Read a file or ``-`` (stdin) as bytes, turning OS errors into :class:`InputError`."""
    stream = _open_input(path)
    try:
        return stream.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def read_text(path: str | Path, encoding: str = "utf-8", allow_empty: bool = False,
              max_line_chars: int = MAX_LINE_CHARS, encoding_option: bool = True) -> tuple[str, bool]:
    """Read a text file (or ``-``, stdin) strictly as ``encoding``; return ``(text, had_bom)``."""
    name = "<stdin>" if str(path) == "-" else str(path)
    stream = _open_input(path)
    try:
        text, had_bom = decode_stream(stream, name, encoding, max_line_chars, encoding_option)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", name) from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if not allow_empty and not text.strip():
        raise InputError("file is empty", name)
    return text, had_bom


def encode_text(text: str, bom: bool = False, encoding: str = "utf-8", name: str = "<output>") -> bytes:
    """The bytes of ``text`` (with a BOM when asked); raise :class:`OutputError` if ``encoding`` cannot hold it."""
    try:
        return ((BOM if bom else "") + text).encode(encoding)
    except UnicodeEncodeError as exc:
        raise OutputError(f"the repaired text has {text[exc.start]!r}, which {encoding} cannot encode", name) from None


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the folder is read-only or not writable"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno == errno.EISDIR:
        return "is a directory"
    return exc.strerror or str(exc)


def _stage(target: Path, data: bytes, sync: bool = True) -> Path:
    """Write ``data`` to a fresh temporary file next to ``target``, fsynced; return its path."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write: {_why(exc)}", str(target)) from None
    try:  # mkstemp makes the file private (0600); an output gets the mode a plain open() would give it
        os.fchmod(fd, 0o666 & ~_UMASK)
    except (OSError, AttributeError):
        pass
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except BaseException as exc:
        _unlink(Path(tmp))
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {_why(exc)}", str(target)) from None
        raise
    return Path(tmp)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_files_atomic(files: Iterable[tuple[str | Path, bytes]]) -> None:
    """Write several files all or nothing, as far as a file system allows.

    Every file is first staged (written to a temporary file and fsynced): a full disk
    or a read-only folder fails here, and then no target has changed. Only when all
    are staged are they renamed into place, one rename each.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files:
            target = Path(target)
            staged.append((_stage(target, data), target))
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise OutputError(f"cannot write: {_why(exc)}", str(target)) from None
        for folder in {t.parent for _, t in staged}:
            _fsync_dir(folder)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                _unlink(tmp)


def write_text_atomic(path: str | Path, text: str, bom: bool = False, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, so that
    readers never see a half-written file and an interrupted write leaves none."""
    write_files_atomic([(path, encode_text(text, bom, encoding, str(path)))])


def remove_stale_temporaries(folder: str | Path, recursive: bool = False) -> list[Path]:
    """Delete temporary files that a killed run left in ``folder`` (and below it, if ``recursive``)."""
    removed = []
    if recursive:
        for root, dirs, _ in os.walk(folder):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
            if root != str(folder):
                removed += remove_stale_temporaries(root)
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if name.startswith(TMP_PREFIX) and name.endswith(TMP_SUFFIX):
            p = Path(folder) / name
            if p.is_file() and not p.is_symlink():
                _unlink(p)
                removed.append(p)
    return removed


def probe_writable(target: str | Path) -> None:
    """Check, before any work is done, that ``target`` can be written (its folder is created if needed)."""
    target = Path(target)
    if target.is_dir():
        raise OutputError("is a directory, expected a file name", str(target))
    _unlink(_stage(target, b"", sync=False))
