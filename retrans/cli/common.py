"""Helpers shared by the command modules: glossary resolution, stderr console."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console

from ..errors import InputError
from ..glossary import Glossary
from ..glossary_cache import load_glossary_file

GLOSSARY_ENV = "RETRANS_GLOSSARY"
_REPO_GLOSSARY = Path(__file__).resolve().parents[2] / "glossaries" / "news.yaml"

err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


def default_glossaries() -> list[Path]:
    """The shipped news glossary, or the files named in ``$RETRANS_GLOSSARY`` (separated by ``os.pathsep``)."""
    env = os.environ.get(GLOSSARY_ENV)
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    if _REPO_GLOSSARY.exists():
        return [_REPO_GLOSSARY]
    raise InputError("no glossary given and the shipped one was not found; pass -g GLOSSARY.yaml")


def load_glossaries(paths: list[Path] | None) -> Glossary:
    """Read and merge glossary files (the shipped one when none are given), through the glossary cache."""
    files = paths or default_glossaries()
    parts = [load_glossary_file(p) for p in files]
    try:
        return Glossary.merge(parts)
    except ValueError as exc:
        raise InputError(str(exc)) from None
