"""The command line as scripts use it: exit codes, stdout/stderr, files written or not."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import DATA, SEED


def run(*args, stdin=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "retrans", *map(str, args)], input=stdin, capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture()
def article(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Mark Route met Zelnski.\r\nThe third round of talks ended.\n", encoding="utf-8")
    return p


def test_fix_glossary_only_writes_output_and_edit_log(tmp_path, article):
    out, log = tmp_path / "out.txt", tmp_path / "edits.jsonl"
    r = run("fix", article, "-g", DATA / "small.yaml", "--model", "none", "-o", out, "--edits", log)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert out.read_bytes() == b"Mark Rutte met Zelensky.\r\nThe third round of talks ended.\n"
    edits = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert {(e["original"], e["replacement"], e["applied"]) for e in edits} >= {
        ("Mark Route", "Mark Rutte", True), ("Zelnski", "Zelensky", True)}
    for e in edits:
        assert set(e) >= {"doc", "line", "start", "end", "original", "replacement", "entry", "kind", "score",
                          "applied"}


def test_fix_reads_stdin_writes_stdout():
    r = run("fix", "-g", DATA / "small.yaml", "--model", "none", "-q", stdin="Mark Route spoke.\n")
    assert r.returncode == 0
    assert r.stdout == "Mark Rutte spoke.\n"
    assert r.stderr == ""


def test_check_mode_exit_codes_and_writes_nothing(tmp_path, article):
    r = run("fix", "--check", article, "-g", DATA / "small.yaml", "--model", "none", "--edits", tmp_path / "e")
    assert r.returncode == 1
    assert not (tmp_path / "e").exists()
    clean = tmp_path / "clean.txt"
    clean.write_text("Mark Rutte met Zelensky.\n", encoding="utf-8")
    assert run("fix", "--check", clean, "-g", DATA / "small.yaml", "--model", "none").returncode == 0


def test_never_overwrites_an_input(article):
    before = article.read_bytes()
    r = run("fix", article, "-g", DATA / "small.yaml", "--model", "none", "-o", article)
    assert r.returncode == 2
    assert "refusing to overwrite" in r.stderr
    assert article.read_bytes() == before


def test_out_dir_mirrors_names(tmp_path, article):
    other = tmp_path / "b.txt"
    other.write_text("Khason and Zelnski\n", encoding="utf-8")
    r = run("fix", article, other, "-g", DATA / "small.yaml", "--model", "none", "--out-dir", tmp_path / "o")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o" / "a.txt").read_text(encoding="utf-8").startswith("Mark Rutte met Zelensky.")
    assert (tmp_path / "o" / "b.txt").read_text(encoding="utf-8") == "Khason and Zelensky\n"


def bad_inputs(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"abc\x00\x01\x02")
    (tmp_path / "latin1.txt").write_bytes("ok line\ncaf\xe9\n".encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes("Zelnski".encode("utf-16"))
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "dir").mkdir()
    return {
        "bin.txt": "binary file",
        "latin1.txt": ":2: not valid utf-8",
        "utf16.txt": "UTF-16",
        "empty.txt": "file is empty",
        "dir": "is a directory",
        "missing.txt": "no such file",
    }


def test_bad_inputs_one_line_exit_2_nothing_written(tmp_path):
    cases = bad_inputs(tmp_path)
    for name, message in cases.items():
        out = tmp_path / f"out-{name}"
        r = run("fix", tmp_path / name, "-g", DATA / "small.yaml", "--model", "none", "-o", out)
        assert r.returncode == 2, name
        assert message in r.stderr, (name, r.stderr)
        assert str(tmp_path / name) in r.stderr
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert not out.exists()


def test_bad_glossary_exit_2_with_line(tmp_path, article):
    g = tmp_path / "g.yaml"
    g.write_text("entries:\n  - id: a\n    forms: {en: {canonical: A}}\n    colour: red\n", encoding="utf-8")
    r = run("fix", article, "-g", g, "--model", "none")
    assert r.returncode == 2
    assert f"{g}:4: unknown entry key 'colour'" in r.stderr
    assert r.stdout == ""


def test_usage_errors_exit_2(article):
    assert run("fix", article, article, "-g", DATA / "small.yaml", "--model", "none").returncode == 2
    assert run("fix", article, "--model", "nonsense", "-g", DATA / "small.yaml").returncode == 2
    assert run("fix", article, "--lang", "xx", "-g", DATA / "small.yaml", "--model", "none").returncode == 2
    assert run("nosuchcommand").returncode == 2


def test_score_rejects_mismatched_line_counts(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("x\ny\n", encoding="utf-8")
    b.write_text("x\n", encoding="utf-8")
    r = run("score", "--ref", a, b)
    assert r.returncode == 2 and "has 1 lines" in r.stderr


def test_score_human_output_names_signature():
    r = run("score", "--ref", SEED.with_suffix(".ref.txt"), SEED)
    assert r.returncode == 0
    assert "BLEU signature: nrefs:1|case:mixed" in r.stdout


def test_fix_writes_html_report(tmp_path, article):
    report = tmp_path / "r.html"
    r = run("fix", article, "-g", DATA / "small.yaml", "--model", "none", "-o", tmp_path / "o.txt", "--report",
            report)
    assert r.returncode == 0, r.stderr
    html = report.read_text(encoding="utf-8")
    assert "Mark Rutte" in html and "Mark Route" in html
    assert not re.search(r"""(src|href|url)\s*[=(]\s*['"]?(https?:)?//""", html)  # nothing fetched


def test_source_must_align_with_input(tmp_path, article):
    src = tmp_path / "src.fa"
    src.write_text("یک خط\n", encoding="utf-8")
    r = run("fix", article, "-g", DATA / "small.yaml", "--model", "none", "--source", src, "--source-lang", "fa")
    assert r.returncode == 2
    assert "line" in r.stderr and "Traceback" not in r.stderr
    ok = tmp_path / "ok.fa"
    ok.write_text("مارک روته با زلنسکی دیدار کرد.\r\nدور سوم مذاکرات پایان یافت.\n", encoding="utf-8")
    r = run("fix", article, "-g", DATA / "small.yaml", "--model", "none", "--source", ok, "--source-lang", "fa",
            "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Mark Rutte met Zelensky.")
