"""Bad paths and huge inputs: one clear line, exit 2, nothing written, bounded memory."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrans.errors import InputError
from retrans.formats import text as text_mod
from retrans.formats.text import decode_stream
from tests.conftest import DATA
from tests.reliability_helpers import assert_one_line_error, run_main

SMALL = ["-g", DATA / "small.yaml", "--model", "none"]


@pytest.mark.parametrize("case", ["missing", "directory", "unreadable", "socket"])
def test_bad_paths(case, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out" / "o.txt"
    if case == "missing":
        path, fragment = tmp_path / "nope.txt", "no such file"
    elif case == "directory":
        path, fragment = tmp_path, "is a directory"
    elif case == "unreadable":  # root reads chmod-000 files; /proc/self/mem fails with EIO at offset 0
        path, fragment = Path("/proc/self/mem"), "cannot read: Input/output error"
        if not path.exists():
            pytest.skip("no /proc")
    else:
        import socket

        path, fragment = tmp_path / "s.sock", "not a regular file"
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, stdout, err = run_main(["fix", path, *SMALL, "-o", out], monkeypatch, capsys)
    assert_one_line_error(code, err, str(path), fragment)
    assert stdout == "" and not out.parent.exists()


def test_one_bad_input_among_good_ones_writes_nothing(tmp_path, monkeypatch, capsys):
    good = [tmp_path / f"{i}.txt" for i in range(3)]
    for p in good:
        p.write_text("Khason and Zelnski\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\nfine\n\xff\n")
    out = tmp_path / "out"
    code, _, err = run_main(["fix", *good, bad, *SMALL, "--out-dir", out, "--edits", tmp_path / "e.jsonl"],
                            monkeypatch, capsys)
    assert_one_line_error(code, err, f"{bad}:3: not valid utf-8")
    assert not out.exists() and not (tmp_path / "e.jsonl").exists()


def test_long_line_limit_is_an_error_with_the_line_and_can_be_raised(tmp_path, monkeypatch, capsys):
    p = tmp_path / "long.txt"
    p.write_text("short\n" + "Zelnski " * 50 + "\n", encoding="utf-8")
    code, _, err = run_main(["fix", p, *SMALL, "--max-line-chars", "100", "-o", tmp_path / "o"], monkeypatch, capsys)
    assert_one_line_error(code, err, f"{p}:2: line is longer than 100 characters", "--max-line-chars")
    assert not (tmp_path / "o").exists()
    code, _, err = run_main(["fix", p, *SMALL, "--max-line-chars", "500", "-o", tmp_path / "o", "-q"],
                            monkeypatch, capsys)
    assert code == 0, err
    assert (tmp_path / "o").read_text(encoding="utf-8").count("Zelensky") == 50


PEAK = """
import atexit, sys
report = sys.argv[1]
def peak():
    with open("/proc/self/status", encoding="utf-8") as fh, open(report, "w", encoding="utf-8") as out:
        out.write(next(line for line in fh if line.startswith("VmHWM")))
atexit.register(peak)
sys.argv = ["retrans", *sys.argv[2:]]
from retrans.cli import main
main()
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_200_mb_single_line_is_refused_in_bounded_memory(tmp_path):
    """The file is streamed: the error comes after about one MB, and the process stays small."""
    big = tmp_path / "big.txt"
    block = b"Khason " * (1 << 17)  # 896 KiB
    with open(big, "wb") as fh:
        for _ in range(200 * 1024 * 1024 // len(block) + 1):
            fh.write(block)
    assert big.stat().st_size >= 200 * 1024 * 1024
    out, hwm = tmp_path / "o.txt", tmp_path / "vmhwm"
    # VmHWM of the child itself: ru_maxrss would include the (large) test process it was forked from
    r = subprocess.run([sys.executable, "-c", PEAK, str(hwm), "fix", str(big), *map(str, SMALL), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert_one_line_error(r.returncode, r.stderr, f"{big}:1: line is longer than 1,000,000 characters")
    assert not out.exists()
    peak_mb = int(hwm.read_text(encoding="utf-8").split()[1]) / 1024  # "VmHWM: N kB"
    assert peak_mb < 150, f"peak memory {peak_mb:.0f} MB for a 200 MB file"


@settings(max_examples=300, deadline=None)
@given(data=st.lists(st.sampled_from([b"a", b"\n", b"\r", b" ", "é".encode(), "€".encode(), "😀".encode(),
                                      b"\xe2\x82", b"\xff", b"\x80", b"\xef\xbb\xbf", b"\x00"]), max_size=40),
       chunk=st.integers(1, 8))
def test_streamed_decoding_equals_whole_decoding(data, chunk):
    """Chunk boundaries never change the result: same text, or an error at the same line."""
    raw = b"".join(data)
    old = text_mod._CHUNK
    text_mod._CHUNK = chunk
    try:
        try:
            got = decode_stream(io.BytesIO(raw), "x")
            failure = None
        except InputError as exc:
            got, failure = None, exc
    finally:
        text_mod._CHUNK = old
    if b"\x00" in raw:  # (examples are shorter than the 8 KB sniffed for NUL bytes): binary comes first
        assert failure is not None and "binary" in failure.message, failure
        assert failure.line == raw[: raw.index(b"\x00")].count(b"\n") + 1
        return
    try:
        expected = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        assert failure is not None and "not valid utf-8" in failure.message, failure
        assert failure.line == raw[: exc.start].count(b"\n") + 1
        return
    assert failure is None
    bom = expected.startswith("\ufeff")
    assert got == (expected[1:] if bom else expected, bom)


@pytest.mark.parametrize("encoding,data,fragment", [
    ("utf-16", b"Mark Route\n", "not valid utf-16"),  # no byte-order mark to tell the byte order
    ("base64", b"TWFyaw==\n", "not a text encoding"),
    ("rot13", b"Znex\n", "not a text encoding"),
])
def test_odd_encodings_are_clear_errors(encoding, data, fragment, tmp_path, monkeypatch, capsys):
    p = tmp_path / "in.txt"
    p.write_bytes(data)
    code, _, err = run_main(["fix", p, *SMALL, "--encoding", encoding, "-o", tmp_path / "o"], monkeypatch, capsys)
    assert_one_line_error(code, err, fragment)
    assert not (tmp_path / "o").exists()


def test_a_closed_pipe_on_stdout_is_not_an_error(tmp_path):
    p = tmp_path / "in.txt"
    p.write_text("Mark Route spoke.\n" + ("x" * 199 + "\n") * 2000, encoding="utf-8")  # 400 KB > a pipe buffer
    proc = subprocess.Popen([sys.executable, "-m", "retrans", "fix", str(p), *map(str, SMALL), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline() == b"Mark Rutte spoke.\n"
    proc.stdout.close()  # like `retrans fix ... | head -1`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert err == ""
