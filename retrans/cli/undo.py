"""``retrans undo``: take a repaired file back to its input, byte for byte, with the edit log."""

from __future__ import annotations

from pathlib import Path, PurePath

import typer

from ..errors import InputError
from ..evaluate import read_edit_log
from ..formats.text import MAX_LINE_CHARS, encode_text, read_text, write_files_atomic
from ..records import Edit
from ..safety import revert_edits


def pick_document(edits: list[Edit], output: Path, doc: str | None) -> list[Edit]:
    """The edits of the document that became ``output``: ``doc`` if given, else the only
    document in the log, else the one whose file name is the output's."""
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
) -> None:
    """Restore the input of `retrans fix` exactly, by reverting the applied edits of the log."""
    if restored.resolve() in (output.resolve(), edits.resolve()):
        raise InputError("refusing to overwrite an input file; choose another output", str(restored))
    log = pick_document(read_edit_log(edits), output, doc)
    text, bom = read_text(output, encoding, allow_empty=True, max_line_chars=MAX_LINE_CHARS * 4)
    try:
        original = revert_edits(text, log)
    except ValueError as exc:
        raise InputError(f"does not match the edit log {edits}: {exc}", str(output)) from None
    write_files_atomic([(restored, encode_text(original, bom, encoding, str(restored)))])
