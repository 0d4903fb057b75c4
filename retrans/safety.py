"""Guards that keep a run from harming its surroundings: outputs stay inside their
folder, and the edit log can always take an output back to its input."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from .apply import apply_edits
from .errors import InputError
from .formats.documents import Parsed
from .records import Edit

_POSITION_ID = re.compile(r"\d+:\d+")


class RealPaths:
    """``os.path.realpath`` for many files: each folder is resolved once, then a file costs one ``lstat``."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: str | os.PathLike[str]) -> str:
        path = os.fspath(path)
        head, name = os.path.split(path)
        if name in ("", ".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        return os.path.join(self.folder(head), name)

    def folder(self, path: str | os.PathLike[str]) -> str:
        """The real path of a folder, resolved once."""
        key = os.fspath(path)
        if key not in self._folders:
            self._folders[key] = os.path.realpath(key)
        return self._folders[key]


def safe_join(folder: str | Path, relative: str | PurePath,
              realpath: Callable[[str | Path], str] = os.path.realpath) -> Path:
    """``folder / relative``, refused unless it stays inside ``folder``.

    Refused: an absolute ``relative``, any ``..`` or empty component, a NUL byte, a
    target that is a symbolic link, and a path that leaves ``folder`` through a
    linked sub-folder. ``folder`` itself may be a link; what matters is where it points.
    ``realpath`` resolves folders (:meth:`RealPaths.folder` when joining many names).
    """
    rel = PurePath(relative)
    text = str(relative)
    if rel.is_absolute() or rel.anchor or "\x00" in text or not rel.parts:
        raise InputError("an output name must be a plain relative name", text)
    if any(part in ("", ".", "..") for part in rel.parts):
        raise InputError("an output name may not contain '.' or '..'", text)
    base = Path(folder)
    target = base / rel
    if target.is_symlink():
        raise InputError("is a symbolic link; retrans does not write through links", str(target))
    real_base = Path(realpath(base))
    real_parent = Path(realpath(target.parent))
    if not (real_parent == real_base or real_parent.is_relative_to(real_base)):
        raise InputError(f"would be written outside {base}", str(target))
    return target


def out_dir_target(out_dir: str | Path, source: str) -> Path:
    """Where ``--out-dir`` writes the output of input ``source``: its file name, inside ``out_dir``."""
    name = PurePath(source).name
    if not name or name in (".", ".."):
        raise InputError("cannot name an output after this input", source)
    return safe_join(out_dir, name)


def _check(edit: Edit, lines: list[str]) -> None:
    if "\n" in edit.original or "\n" in edit.replacement:
        raise ValueError(f"edit at line {edit.line} crosses a line")
    if not 1 <= edit.line <= len(lines):
        raise ValueError(f"edit refers to line {edit.line}, the text has {len(lines)} lines")
    if not 0 <= edit.start <= edit.end or edit.end - edit.start != len(edit.original):
        raise ValueError(f"edit at line {edit.line} has bad offsets {edit.start}-{edit.end}")


def revert_edits(output: str, edits: Iterable[Edit]) -> str:
    """The input that the applied ``edits`` turned into ``output``.

    Offsets in an edit refer to the input line; in the output, each edit has moved
    by the length change of the edits before it on its line. Every replacement must
    be found where it belongs, else ``ValueError`` (the output was changed since).
    """
    lines = output.split("\n")
    by_line: dict[int, list[Edit]] = {}
    for e in edits:
        if e.applied:
            _check(e, lines)
            by_line.setdefault(e.line, []).append(e)
    for n, line_edits in by_line.items():
        line = lines[n - 1]
        pieces: list[str] = []
        pos = shift = 0
        last_end = -1
        for e in sorted(line_edits, key=lambda e: (e.start, e.end)):
            if e.start < last_end:
                raise ValueError(f"overlapping edits at line {n}, offset {e.start}")
            last_end = e.end
            start = e.start + shift
            end = start + len(e.replacement)
            if line[start:end] != e.replacement:
                raise ValueError(f"line {n}, offset {start}: expected {e.replacement!r}, found {line[start:end]!r}")
            pieces += [line[pos:start], e.original]
            pos = end
            shift += len(e.replacement) - len(e.original)
        pieces.append(line[pos:])
        lines[n - 1] = "".join(pieces)
    restored = "\n".join(lines)
    if apply_edits(restored, edits) != output:  # the log must take the restored text back to the output
        raise ValueError("the edit log does not reproduce this output")
    return restored


def revert_segments(parsed: Parsed, edits: Iterable[Edit]) -> str:
    """The input file whose repair became the file ``parsed`` (a format with segments, e.g. HTML,
    JSON Lines, SubRip, XLIFF), from the applied ``edits`` of its segments (``doc#segment``).

    HTML and Markdown segments are named by their ``LINE:COLUMN`` in the input; in the output a
    segment has moved right by the length change of the edits before it on its line, so the
    input name is found by taking that shift off. ``ValueError`` when the edits do not fit.
    """
    by_seg: dict[str, list[Edit]] = {}
    for e in edits:
        if e.applied:
            by_seg.setdefault(e.doc.partition("#")[2], []).append(e)
    positional = bool(parsed.segments) and all(_POSITION_ID.fullmatch(s.id) for s in parsed.segments)
    shifts: dict[int, int] = {}  # line -> length change of the edits so far on it
    texts: list[str] = []
    for seg in parsed.segments:
        sid, line = seg.id, 0
        if positional:
            line, col = map(int, seg.id.split(":"))
            sid = f"{line}:{col - shifts.get(line, 0)}"
        own = by_seg.pop(sid, [])
        texts.append(revert_edits(seg.text, own) if own else seg.text)
        if positional:
            for e in own:
                at = line + e.line - 1
                shifts[at] = shifts.get(at, 0) + len(e.replacement) - len(e.original)
    if by_seg:
        raise ValueError(f"the file has no segment {next(iter(by_seg))!r} that the edit log names")
    return parsed.render(texts)
