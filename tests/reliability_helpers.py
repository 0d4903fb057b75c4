"""Helpers of the reliability tests: run the real CLI entry point, in-process or as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from retrans.cli import main

FUZZ = Path(__file__).resolve().parent / "fuzz"


def run_main(args, monkeypatch, capsys) -> tuple[int, str, str]:
    """Run ``retrans ARGS`` in this process through ``main()`` (the console entry point)."""
    monkeypatch.setattr(sys, "argv", ["retrans", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def run_cli(*args, stdin=None, env=None, timeout=120) -> subprocess.CompletedProcess:
    """Run ``python -m retrans ARGS`` as a subprocess."""
    return subprocess.run([sys.executable, "-m", "retrans", *map(str, args)], input=stdin, capture_output=True,
                          env=env, timeout=timeout)


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    """Exit 2, exactly one stderr line starting ``retrans: error:``, containing every fragment, no traceback."""
    assert code == 2, err
    assert err.startswith("retrans: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


requires_sys_readonly = pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs /sys (not writable even by root)")
