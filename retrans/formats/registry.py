"""Glossary formats by name: read and write any of them (``yaml``, ``json``, ``tbx``, ``csv``, ``tsv``)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..glossary import Glossary
from .csv_glossary import CsvOptions, read_csv_glossary, write_csv_glossary
from .json_glossary import read_json_glossary, write_json_glossary
from .tbx import read_tbx, write_tbx
from .yaml_dump import write_yaml_glossary

FORMATS = ("yaml", "json", "tbx", "csv", "tsv")
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".tbx": "tbx", ".xml": "tbx", ".csv": "csv",
             ".tsv": "tsv", ".txt": "tsv"}


def guess_format(path: str | Path, given: str | None = None) -> str:
    """``given``, or the format that the file name's suffix names."""
    if given:
        if given not in FORMATS:
            raise InputError(f"unknown glossary format {given!r} (one of {', '.join(FORMATS)})")
        return given
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the glossary format from the name; pass --from/--to ({', '.join(FORMATS)})",
                         str(path))
    return fmt


def _csv_options(fmt: str, options: CsvOptions | None) -> CsvOptions:
    options = options or CsvOptions()
    if fmt == "tsv":
        options.delimiter = "\t"
    return options


def read_any(path: str | Path, fmt: str | None = None, csv_options: CsvOptions | None = None) -> Glossary:
    """Read a glossary file in ``fmt`` (guessed from its name when ``None``)."""
    from ..glossary_cache import load_glossary_file

    fmt = guess_format(path, fmt)
    if fmt == "yaml":
        return load_glossary_file(path)
    if fmt == "json":
        return read_json_glossary(path)
    if fmt == "tbx":
        return read_tbx(path)
    return read_csv_glossary(path, _csv_options(fmt, csv_options))


def write_any(glossary: Glossary, path: str | Path, fmt: str | None = None,
              csv_options: CsvOptions | None = None) -> None:
    """Write a glossary file in ``fmt`` (guessed from its name when ``None``), atomically."""
    fmt = guess_format(path, fmt)
    if fmt == "yaml":
        write_yaml_glossary(glossary, path)
    elif fmt == "json":
        write_json_glossary(glossary, path)
    elif fmt == "tbx":
        write_tbx(glossary, path)
    else:
        write_csv_glossary(glossary, path, _csv_options(fmt, csv_options))
