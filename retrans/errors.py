"""Typed errors raised by the library; the CLI maps them to exit code 2."""

from __future__ import annotations


class RetransError(Exception):
    """Base class of every error retrans raises on purpose."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.oneline())

    def oneline(self) -> str:
        """Render as ``path:line: message`` (the parts that are known)."""
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return where + self.message


class InputError(RetransError):
    """An input file is missing, unreadable, binary, badly encoded or empty."""


class GlossaryError(RetransError):
    """A glossary file is malformed or violates the glossary schema."""


class FormatError(RetransError):
    """A file in an interchange format (TBX, CSV, JSONL, ...) is malformed."""


class ModelError(RetransError):
    """The ranking model cannot be found, converted or loaded."""
