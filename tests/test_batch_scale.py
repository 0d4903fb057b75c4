"""Batches at scale: folders and globs mirrored under --out-dir, bad files skipped, workers, Ray, Ctrl-C, progress."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrans.batch import MANIFEST_NAME
from retrans.cli.progress import LogProgress
from retrans.engines import Worker
from retrans.formats.text import TMP_PREFIX, TMP_SUFFIX
from tests.conftest import DATA
from tests.reliability_helpers import assert_one_line_error, files_under, run_main
from tests.test_reliability_faults import make_docs, manifest_lines, outputs

SMALL = ["-g", DATA / "small.yaml", "--model", "none"]
TREE = {
    "a.txt": "Mark Route met Zelnski in Soumy.\n",
    "world/feed.jsonl": '{"id": 1, "body": {"text": "Zelnski said"}, "lang": "en"}\n{"id": 2, "body": {}}\n',
    "world/page.html": '<p title="Zelnski">Zelnski met <b>Mark Route</b></p><script>Zelnski()</script>\n',
    "world/note.md": "# Zelnski in Soumy\n\nCode `Zelnski` and [Mark Route](http://x/Soumy).\n",
    "subs/ep1.srt": "1\n00:00:01,000 --> 00:00:02,000\nZelnski said\n\n2\n00:00:03,000 --> 00:00:04,000\nin Soumy\n",
    "skip/image.png": "not a document suffix: not read",
    ".hidden/b.txt": "Zelnski\n",
}
EXPECTED = {
    "a.txt": "Mark Rutte met Zelensky in Sumy.\n",
    "world/feed.jsonl": '{"id": 1, "body": {"text": "Zelensky said"}, "lang": "en"}\n{"id": 2, "body": {}}\n',
    "world/page.html": '<p title="Zelnski">Zelensky met <b>Mark Rutte</b></p><script>Zelnski()</script>\n',
    "world/note.md": "# Zelensky in Sumy\n\nCode `Zelnski` and [Mark Rutte](http://x/Soumy).\n",
    "subs/ep1.srt": "1\n00:00:01,000 --> 00:00:02,000\nZelensky said\n\n2\n00:00:03,000 --> 00:00:04,000\nin Sumy\n",
}


def make_tree(root: Path, files: dict[str, str] = TREE) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def texts(folder: Path) -> dict[str, str]:
    return {k: v.decode("utf-8") for k, v in outputs(folder).items() if k != "edits.jsonl"}


def test_a_folder_is_mirrored_under_out_dir_in_every_format(tmp_path, monkeypatch, capsys):
    src = make_tree(tmp_path / "in")
    out = tmp_path / "out"
    code, _, err = run_main(["fix", src, *SMALL, "--field", "body.text", "--out-dir", out, "--edits",
                             out / "edits.jsonl"], monkeypatch, capsys)
    assert code == 0, err
    assert texts(out) == EXPECTED
    docs = {line.split('"doc": "')[1].split('"')[0] for line in (out / "edits.jsonl").read_text("utf-8").splitlines()}
    assert docs == {f"{src}/a.txt", f"{src}/world/feed.jsonl#1", f"{src}/world/page.html#1:20",
                    f"{src}/world/page.html#1:35", f"{src}/world/note.md#1:1", f"{src}/world/note.md#3:15",
                    f"{src}/subs/ep1.srt#1", f"{src}/subs/ep1.srt#2"}
    code, _, err = run_main(["fix", src, *SMALL, "--field", "body.text", "--out-dir", out], monkeypatch, capsys)
    assert code == 0 and "5 resumed" in err


def test_a_glob_keeps_paths_below_its_fixed_part(tmp_path, monkeypatch, capsys):
    src = make_tree(tmp_path / "in")
    out = tmp_path / "out"
    code, _, err = run_main(["fix", f"{src}/**/*.md", f"{src}/*.txt", *SMALL, "--out-dir", out, "-q"],
                            monkeypatch, capsys)
    assert code == 0, err
    assert texts(out) == {k: EXPECTED[k] for k in ("a.txt", "world/note.md")}
    code, _, err = run_main(["fix", f"{src}/*.nothing", *SMALL, "--out-dir", out], monkeypatch, capsys)
    assert_one_line_error(code, err, "*.nothing: no file matches this pattern")


def test_the_output_folder_inside_the_input_folder_is_not_read(tmp_path, monkeypatch, capsys):
    src = make_tree(tmp_path / "in", {"a.txt": TREE["a.txt"]})
    for _ in range(2):
        code, _, err = run_main(["fix", src, *SMALL, "--out-dir", src / "fixed", "-q"], monkeypatch, capsys)
        assert code == 0, err
    assert sorted(files_under(src)) == ["a.txt", f"fixed/{MANIFEST_NAME}", "fixed/a.txt"]


def test_bad_files_in_a_folder_are_skipped_one_line_each_and_the_run_exits_2(tmp_path, monkeypatch, capsys):
    src = make_tree(tmp_path / "in", {"a.txt": TREE["a.txt"], "b/bad.jsonl": '{"text": "Zelnski"}\n{"text": x}\n',
                                      "c.xlf": "<xliff><file>", "d.srt": "1\nnot a timing\nZelnski\n"})
    (src / "b" / "bin.txt").write_bytes(b"Zelnski\x00\x01")
    out = tmp_path / "out"
    args = ["fix", src, *SMALL, "--out-dir", out, "--edits", out / "edits.jsonl", "-q"]
    code, _, err = run_main(args, monkeypatch, capsys)
    assert code == 2
    lines = err.splitlines()
    assert lines == [f"retrans: error: {src}/b/bad.jsonl:2: not valid JSON (Expecting value, column 10) (skipped)",
                     f"retrans: error: {src}/b/bin.txt:1: binary file (NUL byte); retrans reads text (skipped)",
                     f"retrans: error: {src}/c.xlf:1: not well-formed XML (Premature end of data in tag file "
                     "line 1) (skipped)",
                     f"retrans: error: {src}/d.srt:1: not a valid SubRip cue here (expected a number and a timing "
                     "line) (skipped)"]
    assert sorted(outputs(out)) == ["a.txt", "edits.jsonl"]  # the good file and the log; nothing half-written
    (src / "b" / "bad.jsonl").write_text('{"text": "Zelnski"}\n', encoding="utf-8")
    for p in ("b/bin.txt", "c.xlf", "d.srt"):
        (src / p).unlink()
    code, _, err = run_main(args[:-1], monkeypatch, capsys)
    assert code == 0 and "1 resumed" in err, err
    assert (out / "b" / "bad.jsonl").read_text(encoding="utf-8") == '{"text": "Zelensky"}\n'


def test_a_bad_named_file_stops_the_run_before_anything_is_written(tmp_path, monkeypatch, capsys):
    src = make_tree(tmp_path / "in", {"a.txt": TREE["a.txt"], "bad.jsonl": '{"text": "a"}\n[1]\n'})
    out = tmp_path / "out"
    code, _, err = run_main(["fix", src / "a.txt", src / "bad.jsonl", *SMALL, "--out-dir", out], monkeypatch, capsys)
    assert_one_line_error(code, err, f"{src / 'bad.jsonl'}:2: a JSON Lines record must be an object")
    assert not out.exists()


def test_workers_give_the_same_outputs_and_log_as_one_process(tmp_path, monkeypatch, capsys):
    src = make_tree(tmp_path / "in")
    make_docs(src / "gen", 12, 30, seed=11)
    runs = {}
    for n in (1, 3):
        out = tmp_path / f"out{n}"
        code, _, err = run_main(["fix", src, *SMALL, "--field", "body.text", "--out-dir", out, "--edits",
                                 out / "edits.jsonl", "--workers", n, "-q"], monkeypatch, capsys)
        assert code == 0, err
        runs[n] = files_under(out)
    assert runs[1] == runs[3]  # outputs, edit log and manifest, byte for byte
    assert len(runs[1]) == 5 + 12 + 2


def test_workers_share_the_glossary_compiled_once_before_forking(tmp_path, monkeypatch, capsys):
    """The main process compiles the glossary's matchers once and the forked workers inherit them: a worker
    that compiled its own (here an error) would stop the run."""
    import retrans.engines
    import retrans.engines.pool

    src = make_tree(tmp_path / "in")
    parent, compiled = os.getpid(), []
    real = retrans.engines.compile_matchers

    def in_main_only(glossary, config):
        if os.getpid() != parent:
            raise RuntimeError("a worker compiled the glossary again")
        compiled.append(config.lang)
        return real(glossary, config)

    monkeypatch.setattr(retrans.engines, "compile_matchers", in_main_only)
    monkeypatch.setattr(retrans.engines.pool, "compile_matchers", in_main_only)
    out = tmp_path / "out"
    code, _, err = run_main(["fix", src, *SMALL, "--field", "body.text", "--out-dir", out, "--workers", "2", "-q"],
                            monkeypatch, capsys)
    assert code == 0, err
    assert texts(out) == EXPECTED and compiled == ["en"]


def alive(pid: str) -> bool:
    """Running (a zombie waiting for a reaper is dead)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_ctrl_c_or_kill_with_workers_stops_cleanly_and_resumes_exactly(tmp_path):
    docs = make_docs(tmp_path / "in", 40, 120, seed=12)
    ref, out = tmp_path / "ref", tmp_path / "out"
    cmd = [sys.executable, "-m", "retrans", "fix", str(tmp_path / "in"), *map(str, SMALL), "--edits"]
    subprocess.run([*cmd, str(ref / "edits.jsonl"), "--out-dir", str(ref), "-q"], check=True, timeout=120)
    proc = subprocess.Popen([*cmd, str(out / "edits.jsonl"), "--out-dir", str(out), "--workers", "2", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while manifest_lines(out) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group gets SIGINT
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err and len(err.splitlines()) <= 1, err
    assert 5 <= manifest_lines(out) < len(docs)
    assert not [p for p in out.iterdir() if p.name.startswith(TMP_PREFIX)]
    stale = out / "sub" / f"{TMP_PREFIX}x.txt.abc{TMP_SUFFIX}"  # what a kill mid-write leaves in a sub-folder
    stale.parent.mkdir()
    stale.write_text("half", encoding="utf-8")
    # kill -9 of the main process alone: its workers die with it (no orphan keeps a model in memory)
    proc = subprocess.Popen([*cmd, str(out / "edits.jsonl"), "--out-dir", str(out), "--workers", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    before = manifest_lines(out)
    while manifest_lines(out) < before + 3 and proc.poll() is None and time.monotonic() < deadline + 60:
        time.sleep(0.005)
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    proc.kill()
    proc.wait()
    time.sleep(1)
    assert len(children) == 2 and not [c for c in children if alive(c)], children
    r = subprocess.run([*cmd, str(out / "edits.jsonl"), "--out-dir", str(out), "--workers", "2"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "resumed from the manifest" in r.stderr, r.stderr
    assert outputs(out) == outputs(ref) and not stale.exists()  # the stale temporary in sub/ was removed


class Unpicklable(Exception):
    """An exception that cannot be rebuilt from its args: unpickling it fails."""

    def __init__(self, a, b):
        super().__init__(a)


@pytest.mark.parametrize("fault", ["bug", "death"])
def test_a_worker_that_fails_or_dies_stops_the_run_with_one_line(fault, tmp_path, monkeypatch, capsys):
    """The forked workers inherit the fault: a bug (an exception that would not unpickle) is one line,
    exit 3; a worker killed mid-run (out of memory, say) is one line, exit 2. Neither hangs the run."""
    docs = make_docs(tmp_path / "in", 6, 10, seed=14)
    out = tmp_path / "out"
    parent = os.getpid()
    real = Worker.run_many

    def failing(self, jobs, out_dir=None):
        if os.getpid() != parent and any(job.index == 3 for job in jobs):
            if fault == "death":
                os.kill(os.getpid(), signal.SIGKILL)
            raise Unpicklable("boom", 2)
        return real(self, jobs, out_dir)

    def hung(*a):
        raise TimeoutError("the run hangs")

    monkeypatch.setattr(Worker, "run_many", failing)
    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        code, _, err = run_main(["fix", *docs, *SMALL, "--out-dir", out, "--workers", "2"], monkeypatch, capsys)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    if fault == "bug":
        assert code == 3 and err == "retrans: internal error: RuntimeError: Unpicklable: boom (please report it)\n"
    else:
        assert_one_line_error(code, err, "a worker process stopped (killed by signal 9)", "run the same command again")
    assert MANIFEST_NAME in os.listdir(out) and not [n for n in os.listdir(out) if n.startswith(TMP_PREFIX)]


def test_ray_engine_writes_what_the_local_engine_writes(tmp_path):
    """A local Ray instance, started (and stopped) by the engine; --model none keeps it quick."""
    pytest.importorskip("ray.data")
    src = make_tree(tmp_path / "in")
    make_docs(src / "gen", 6, 20, seed=13)
    trees = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        r = subprocess.run([sys.executable, "-m", "retrans", "fix", str(src), *map(str, SMALL), "--field", "body.text",
                            "--out-dir", str(out), "--edits", str(out / "edits.jsonl"), "--engine", engine,
                            "--workers", "2", "-q"], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr
        trees[engine] = files_under(out)
    assert trees["ray"] == trees["local"]
    assert len(trees["local"]) == 5 + 6 + 2


def test_log_progress_prints_a_line_every_step_with_rate_and_eta():
    stream = io.StringIO()
    progress = LogProgress(stream)
    progress.start(250)
    for _ in range(250):
        progress.advance(2)
    progress.stop()
    lines = stream.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == ["retrans: 100/250 documents", "retrans: 200/250 documents"]
    assert all(" docs/s, ETA " in line for line in lines) and "400 edit(s)" in lines[1]


def test_quiet_and_plain_progress_in_a_log(tmp_path, monkeypatch, capsys):
    (tmp_path / "in").mkdir()
    for i in range(120):
        (tmp_path / "in" / f"{i:03d}.txt").write_text(f"Zelnski, line {i}\n", encoding="utf-8")
    code, _, err = run_main(["fix", tmp_path / "in", *SMALL, "--out-dir", tmp_path / "out"], monkeypatch, capsys)
    assert code == 0, err
    assert "retrans: 100/120 documents, 100 edit(s), " in err and "\x1b[" not in err  # no bar in a log
    code, _, err = run_main(["fix", tmp_path / "in", *SMALL, "--out-dir", tmp_path / "out2", "-q"],
                            monkeypatch, capsys)
    assert code == 0 and err == ""


def test_options_are_checked(tmp_path, monkeypatch, capsys):
    doc = make_tree(tmp_path / "in", {"a.txt": "x\n"}) / "a.txt"
    for extra, message in [(["--workers", "0"], "--workers must be at least 1"),
                           (["--engine", "spark"], "unknown engine"),
                           (["--ray-address", "auto"], "--ray-address needs --engine ray"),
                           (["--format", "pdf"], "unknown format"),
                           (["--field", "a..b"], "--field must be a key or a dotted path")]:
        code, _, err = run_main(["fix", doc, *SMALL, *extra], monkeypatch, capsys)
        assert code == 2 and message in err, (extra, err)
    code, _, err = run_main(["fix", tmp_path / "in", *SMALL, "-o", tmp_path / "o.txt"], monkeypatch, capsys)
    assert_one_line_error(code, err, "is a directory")  # a folder needs --out-dir or --check


def test_outputs_get_the_usual_file_mode_and_a_resumed_report_is_the_same(tmp_path, monkeypatch, capsys):
    src = make_tree(tmp_path / "in", {k: TREE[k] for k in ("a.txt", "world/page.html", "subs/ep1.srt")})
    out = tmp_path / "out"
    args = ["fix", src, *SMALL, "--out-dir", out, "--report", tmp_path / "r.html", "-q"]
    assert run_main(args, monkeypatch, capsys)[0] == 0
    plain = tmp_path / "plain"
    plain.write_text("x", encoding="utf-8")  # what open() gives under this umask (mkstemp alone gives 0600)
    modes = {(out / rel).stat().st_mode & 0o777 for rel in ("a.txt", "world/page.html")}
    assert modes == {plain.stat().st_mode & 0o777}
    first = (tmp_path / "r.html").read_bytes()
    assert first.count(b"<ins class='m'") == 7  # 3 + 2 + 2 applied edits
    code, _, err = run_main(args, monkeypatch, capsys)
    assert code == 0 and (tmp_path / "r.html").read_bytes() == first


def test_no_fuzzy_keeps_exact_fixes_and_drops_unseen_variants(tmp_path):
    """--no-fuzzy (for large batches) still applies known variants but looks for no unseen ones."""
    from typer.testing import CliRunner

    from retrans.cli import app

    src = tmp_path / "a.txt"
    src.write_text("Ukrainian President Volodimir Zelenskij spoke to Mark Route on Monday.\n", encoding="utf-8")
    kinds = {}
    for flag in ("--fuzzy", "--no-fuzzy"):
        log = tmp_path / f"{flag}.jsonl"
        result = CliRunner().invoke(app, ["fix", str(src), "--model", "none", flag, "--edits", str(log), "-q"])
        assert result.exit_code == 0, result.output
        kinds[flag] = sorted(json.loads(x)["kind"] for x in log.read_text(encoding="utf-8").splitlines())
    assert kinds["--fuzzy"] == ["fuzzy", "variant"]
    assert kinds["--no-fuzzy"] == ["variant"]
