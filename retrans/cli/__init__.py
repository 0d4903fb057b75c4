"""The ``retrans`` command line: one module per command group.

Exit codes: 0 ok, 1 ``fix --check`` found fixes, 2 bad usage or bad input.
"""

from __future__ import annotations

import sys

import typer

from ..errors import RetransError
from . import fix as _fix
from . import score as _score

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Repair names wrecked by machine translation; score translations.")
app.command("fix")(_fix.fix)
app.command("score")(_score.score)


@app.callback()
def _root() -> None:
    """retrans: repair machine-translated news, maintain name glossaries, score translations."""


def main() -> None:
    """Console entry point: library errors become one stderr line and exit code 2."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    try:
        app()
    except RetransError as exc:
        print(f"retrans: error: {exc.oneline()}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("retrans: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
