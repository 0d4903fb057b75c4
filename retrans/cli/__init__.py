"""The ``retrans`` command line: one module per command group.

Exit codes: 0 ok, 1 ``fix --check`` found fixes, 2 bad usage or bad input, 3 internal error.
"""

from __future__ import annotations

import sys

import typer

from ..errors import RetransError
from . import eval as _eval
from . import fix as _fix
from . import glossary as _glossary
from . import score as _score
from . import undo as _undo

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Repair names wrecked by machine translation; score translations.")
app.command("fix")(_fix.fix)
app.command("score")(_score.score)
app.command("undo")(_undo.undo)
app.command("eval")(_eval.eval_)
app.command("report")(_eval.report)
app.add_typer(_glossary.app, name="glossary")


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
    except Exception as exc:  # a bug in retrans: still one line, and a code scripts can tell apart
        print(f"retrans: internal error: {type(exc).__name__}: {exc} (please report it)", file=sys.stderr)
        raise SystemExit(3) from None
