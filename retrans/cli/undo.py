"""``retrans undo``: take a repaired file back to its input with the edit log.

Plain text, JSON Lines, HTML, Markdown and SubRip come back byte for byte; XLIFF comes
back as equivalent XML (it is rebuilt by an XML serialiser, as ``fix`` writes it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path, PurePath

import typer

from ..errors import InputError
from ..evaluate import read_edit_log
from ..formats.documents import FORMAT_NAMES, format_name, get_format
from ..formats.text import MAX_LINE_CHARS, encode_text, read_text, write_files_atomic
from ..records import Edit
from ..safety import revert_edits, revert_segments


def pick_document(edits: list[Edit], output: Path, doc: str | None, segmented: bool = False) -> list[Edit]:
    """The edits of the document that became ``output``: ``doc`` if given, else the only
    document in the log, else the one whose file name is the output's. ``segmented``: the
    file's segments are logged as ``doc#segment``, and ``doc`` names the file."""
    if segmented:
        edits = [e for e in edits if "#" in e.doc]
        name = {id(e): e.doc.partition("#")[0] for e in edits}
        picked = pick_document([replace(e, doc=name[id(e)]) for e in edits], output, doc)
        chosen = {e.doc for e in picked}
        return [e for e in edits if name[id(e)] in chosen]
    docs = list(dict.fromkeys(e.doc for e in edits))
    if doc is not None:
        chosen = doc
        if chosen not in docs and edits:
            raise InputError(f"the edit log has no document {doc!r} (it has: {', '.join(docs)})")
    elif len(docs) <= 1:
        return edits
    else:
        same = [d for d in docs if PurePath(d).name == output.name]
        if len(same) != 1:
            raise InputError(f"the edit log covers {len(docs)} documents; name one with --doc")
        chosen = same[0]
    return [e for e in edits if e.doc == chosen]


def undo(
    output: Path = typer.Argument(..., help="A file written by `retrans fix`."),
    edits: Path = typer.Option(..., "--edits", help="The edit log that `retrans fix` wrote with it."),
    restored: Path = typer.Option(..., "--output", "-o", help="Write the restored input here."),
    doc: str = typer.Option(None, "--doc", help="Which document of the edit log (default: the only one, "
                            "or the one with the output's file name)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the file (as given to fix)."),
    fmt: str = typer.Option("auto", "--format", help="Document format, as given to fix: auto (by suffix; "
                            f"unknown: text), {', '.join(FORMAT_NAMES)}."),
    field_path: str = typer.Option("text", "--field", help="JSON Lines: the field that holds the text (as given "
                                   "to fix)."),
) -> None:
    """Restore the input of `retrans fix` exactly, by reverting the applied edits of the log."""
    if restored.resolve() in (output.resolve(), edits.resolve()):
        raise InputError("refusing to overwrite an input file; choose another output", str(restored))
    name = format_name(str(output), fmt)
    text, bom = read_text(output, encoding, allow_empty=True, max_line_chars=MAX_LINE_CHARS * 4)
    try:
        if name == "text":
            original = revert_edits(text, pick_document(read_edit_log(edits), output, doc))
        else:
            log = pick_document(read_edit_log(edits), output, doc, segmented=True)
            original = revert_segments(get_format(name, field_path).parse(text, str(output)), log)
    except ValueError as exc:
        raise InputError(f"does not match the edit log {edits}: {exc}", str(output)) from None
    write_files_atomic([(restored, encode_text(original, bom, encoding, str(restored)))])
