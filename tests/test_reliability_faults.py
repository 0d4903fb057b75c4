"""Faults: a batch killed at any point resumes to exactly the uninterrupted output; a full disk or an
unwritable folder gives one clear line and no partial file; a corrupted model cache is detected."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrans import lm
from retrans.batch import MANIFEST_NAME, Manifest
from retrans.formats.text import TMP_PREFIX
from tests.conftest import DATA
from tests.reliability_helpers import assert_one_line_error, files_under, requires_sys_readonly, run_main

SMALL = ["-g", DATA / "small.yaml", "--model", "none"]
FILLER = "the minister said on Monday that talks would continue in the city after a long week of meetings".split()
FORMS = ["Mark Route", "Zelnski", "Soumy", "the third city", "Group 2 statement", "third round", "Zelnski’s"]


def make_docs(folder: Path, n: int, lines: int, seed: int) -> list[Path]:
    """``n`` generated articles, half their lines with a glossary form somewhere."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        out = []
        for _ in range(lines):
            words = [rng.choice(FILLER) for _ in range(rng.randint(0, 25))]
            if words and rng.random() < 0.5:
                words.insert(rng.randrange(len(words)), rng.choice(FORMS))
            out.append(" ".join(words))
        p = folder / f"doc{i:02d}.txt"
        p.write_bytes(("\ufeff" if i % 7 == 0 else "") .encode() + "\r\n".join(out).encode("utf-8") + b"\n")
        paths.append(p)
    return paths


def outputs(folder: Path) -> dict[str, bytes]:
    """The files a run leaves for its user (the manifest is bookkeeping)."""
    return {k: v for k, v in files_under(folder).items() if k != MANIFEST_NAME}


def batch_cmd(docs: list[Path], out: Path, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "retrans", "fix", *map(str, docs), *map(str, SMALL), "--out-dir", str(out),
            "--edits", str(out / "edits.jsonl"), "--workers", str(workers), "-q"]


def manifest_lines(out: Path) -> int:
    try:
        return (out / MANIFEST_NAME).read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_at_random_points_resumes_to_the_uninterrupted_output(workers, tmp_path):
    """With 2 workers, the workers write the outputs: the main process is killed (its workers die with it)
    while they may be mid-write or ahead of the manifest."""
    docs = make_docs(tmp_path / "in", 50, 100, seed=1)
    ref, out = tmp_path / "ref", tmp_path / "out"
    subprocess.run(batch_cmd(docs, ref), check=True, timeout=120)
    expected = outputs(ref)
    assert len(expected) == 51 and b'"applied": true' in expected["edits.jsonl"]

    rng = random.Random(8 + workers)
    kills = []
    for _ in range(5):
        if manifest_lines(out) >= 30:  # a run started this late may finish before it is killed
            break
        # Kill once the manifest has grown (a group of files at a time, a few documents each)...
        target = manifest_lines(out) + 1
        proc = subprocess.Popen(batch_cmd(docs, out, workers), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while manifest_lines(out) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))  # ...plus a random moment: mid-document, mid-write or mid-rename
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.returncode == -signal.SIGKILL:
            kills.append(manifest_lines(out))
    assert len(kills) >= 3, kills
    assert all(0 < k < 50 for k in kills), kills  # every kill landed mid-batch
    assert "edits.jsonl" not in outputs(out)  # the edit log comes only with a finished run

    r = subprocess.run(batch_cmd(docs, out, workers)[:-1], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "resumed from the manifest" in r.stderr
    assert outputs(out) == expected  # byte for byte: 50 documents and the edit log
    assert not [p for p in out.iterdir() if p.name.startswith(TMP_PREFIX)]


class Crash(BaseException):
    """Stands for the process dying at this very point."""


@pytest.mark.parametrize("fault", ["replace", "fsync"])
def test_crash_at_every_write_point_resumes_exactly(fault, tmp_path, monkeypatch, capsys):
    """In-process fault injection: die at the k-th rename (or fsync), for every k; then resume."""
    docs = make_docs(tmp_path / "in", 4, 20, seed=2)
    ref = tmp_path / "ref"
    args = ["fix", *docs, *SMALL, "--out-dir", ref, "--edits", ref / "edits.jsonl", "-q"]
    assert run_main(args, monkeypatch, capsys)[0] == 0
    expected = outputs(ref)
    real = getattr(os, fault)
    k = 0
    while True:
        k += 1
        out = tmp_path / f"out{fault}{k}"
        calls = [0]

        def dying(*a, _k=k, _calls=calls, **kw):
            _calls[0] += 1
            if _calls[0] == _k:
                raise Crash
            return real(*a, **kw)

        args = ["fix", *docs, *SMALL, "--out-dir", out, "--edits", out / "edits.jsonl", "-q"]
        with monkeypatch.context() as m:
            m.setattr(os, fault, dying)
            try:
                run_main(args, monkeypatch, capsys)
                crashed = False
            except Crash:
                crashed = True
        if not crashed:
            break
        for name, data in outputs(out).items():  # whatever is there is complete
            assert data == expected[name], (k, name)
        assert run_main(args, monkeypatch, capsys)[0] == 0
        assert outputs(out) == expected, k
    assert k > len(docs) + 1  # every write point of the batch was tried (k-1 of them)


class FullFile:
    """A file whose non-empty writes fail with ENOSPC (a full disk) whenever ``full()`` says so."""

    def __init__(self, fh, full) -> None:
        self.fh, self.full = fh, full

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        if self.full() and data:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)


@pytest.mark.parametrize("where", ["output", "out_dir", "edits"])
def test_disk_full_is_one_line_and_leaves_no_partial_file(where, tmp_path, monkeypatch, capsys):
    docs = make_docs(tmp_path / "in", 4, 10, seed=3)
    out = tmp_path / "out"
    out.mkdir()
    if where == "output":
        args = ["fix", docs[0], *SMALL, "-o", out / "a.txt", "--edits", out / "e.jsonl"]
    elif where == "out_dir":
        args = ["fix", *docs, *SMALL, "--out-dir", out]
    else:
        args = ["fix", *docs, *SMALL, "--out-dir", out, "--edits", out / "e.jsonl"]
    real_write = os.write
    real_fdopen = os.fdopen
    budget = {"output": 0, "out_dir": 6, "edits": 9}[where]  # staged files written before the disk fills
    written = [0]

    def over_budget() -> bool:
        written[0] += 1
        return written[0] > budget

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **kw: FullFile(real_fdopen(fd, *a, **kw), over_budget))
    monkeypatch.setattr(os, "write", real_write)
    code, _, err = run_main(args, monkeypatch, capsys)
    assert_one_line_error(code, err, "no space left on the device")
    monkeypatch.undo()
    left = outputs(out)
    assert not [n for n in left if n.startswith(TMP_PREFIX)], left
    if where == "output":
        assert left == {}
    else:  # finished documents stay (complete, in the manifest); the run resumes from them
        code, _, err = run_main(args, monkeypatch, capsys)
        assert code == 0, err
        assert set(outputs(out)) >= {d.name for d in docs}


@pytest.mark.parametrize("fault", ["ENOSPC", "EROFS"])
def test_a_write_error_in_a_worker_is_one_line_like_in_one_process(fault, tmp_path, monkeypatch, capsys):
    """--workers 2: the forked workers inherit the fault (the main process does not see it); the error comes
    back as the same one line, exit 2, no temporary file is left, and the run resumes once the disk is fine."""
    docs = make_docs(tmp_path / "in", 6, 10, seed=3)
    out = tmp_path / "out"
    args = ["fix", *docs, *SMALL, "--out-dir", out, "--edits", out / "e.jsonl", "--workers", 2]
    parent = os.getpid()
    real_fdopen, real_replace = os.fdopen, os.replace

    def in_worker() -> bool:
        return os.getpid() != parent

    def erofs(*a, **kw):
        if os.getpid() != parent:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_replace(*a, **kw)

    if fault == "ENOSPC":
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **kw: FullFile(real_fdopen(fd, *a, **kw), in_worker))
    else:
        monkeypatch.setattr(os, "replace", erofs)
    code, _, err = run_main(args, monkeypatch, capsys)
    why = "no space left on the device" if fault == "ENOSPC" else "the folder is read-only or not writable"
    assert_one_line_error(code, err, f"{out}{os.sep}doc0", f": cannot write: {why}")
    monkeypatch.undo()
    assert not [n for n in files_under(out) if Path(n).name.startswith(TMP_PREFIX)]
    assert set(outputs(out)) <= {d.name for d in docs}  # no edit log: the run did not finish
    code, _, err = run_main(args, monkeypatch, capsys)
    assert code == 0, err
    assert set(outputs(out)) == {d.name for d in docs} | {"e.jsonl"}


@requires_sys_readonly
@pytest.mark.parametrize("option", ["-o", "--out-dir", "--edits"])
def test_unwritable_output_is_one_line_before_any_work(option, tmp_path, monkeypatch, capsys):
    """Tests run as root, where chmod does not stop writes: /sys refuses new files even to root,
    and a path under a regular file can never be created."""
    doc = make_docs(tmp_path / "in", 1, 5, seed=4)[0]
    for bad in (Path("/sys/retrans-test/x"), doc / "x"):
        args = ["fix", doc, *SMALL, option, bad]
        if option == "--edits":
            args += ["-o", tmp_path / "o.txt"]
        code, _, err = run_main(args, monkeypatch, capsys)
        assert_one_line_error(code, err, str(bad.parent) if option == "--out-dir" else str(bad), "cannot write")
        assert not (tmp_path / "o.txt").exists()


def test_read_only_file_system_error_names_the_file(tmp_path, monkeypatch, capsys):
    doc = make_docs(tmp_path / "in", 1, 5, seed=5)[0]

    def erofs(*a, **kw):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", erofs)
    code, _, err = run_main(["fix", doc, *SMALL, "-o", tmp_path / "o.txt"], monkeypatch, capsys)
    assert_one_line_error(code, err, f"{tmp_path / 'o.txt'}: cannot write: the folder is read-only")
    assert [p.name for p in tmp_path.iterdir()] == ["in"]


def test_two_runs_never_write_one_folder(tmp_path, monkeypatch, capsys):
    doc = make_docs(tmp_path / "in", 1, 5, seed=6)[0]
    out = tmp_path / "out"
    with Manifest(out):
        code, _, err = run_main(["fix", doc, *SMALL, "--out-dir", out], monkeypatch, capsys)
    assert_one_line_error(code, err, "another retrans run is writing to this folder")
    assert not (out / doc.name).exists()


def test_changed_input_or_settings_or_output_are_redone(tmp_path, monkeypatch, capsys):
    docs = make_docs(tmp_path / "in", 3, 5, seed=7)
    out = tmp_path / "out"
    args = ["fix", *docs, *SMALL, "--out-dir", out]
    assert run_main(args, monkeypatch, capsys)[0] == 0
    code, _, err = run_main(args, monkeypatch, capsys)
    assert "3 resumed" in err
    docs[0].write_text("Mark Route again\n", encoding="utf-8")  # a changed input
    (out / docs[1].name).write_text("tampered\n", encoding="utf-8")  # a damaged output
    with open(out / MANIFEST_NAME, "ab") as fh:
        fh.write(b'{"format": 1, "name": "doc02.txt", "tor')  # a torn last line
    code, _, err = run_main(args, monkeypatch, capsys)
    assert code == 0 and "1 resumed" in err, err
    assert (out / docs[0].name).read_text(encoding="utf-8") == "Mark Rutte again\n"
    assert (out / docs[1].name).read_bytes() != b"tampered\n"
    code, _, err = run_main([*args, "--lang", "de"], monkeypatch, capsys)  # other settings: all redone
    assert code == 0 and "resumed" not in err


# --- the model cache (a tiny fake folder: the detection logic only, no reconversion) ---

def fake_cache(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(os.urandom(4096))
    (folder / "config.json").write_text('{"model_type": "gemma3_text"}', encoding="utf-8")
    lm.write_marker(folder, {"model": "fake", "package": "fake==1"})
    return folder


def flip_byte(path: Path, keep_mtime: bool) -> None:
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_model_cache_corruption_is_detected(tmp_path, monkeypatch):
    monkeypatch.delenv(lm.VERIFY_ENV, raising=False)
    folder = fake_cache(tmp_path / "m")
    assert lm.cache_problem(folder) is None
    flip_byte(folder / "model.safetensors", keep_mtime=False)  # rewritten: the mtime tells, sha256 confirms
    assert "sha256" in lm.cache_problem(folder)

    folder = fake_cache(tmp_path / "m2")
    flip_byte(folder / "model.safetensors", keep_mtime=True)  # silent bit rot: only a deep check sees it
    assert lm.cache_problem(folder) is None
    assert "sha256" in lm.cache_problem(folder, deep=True)
    monkeypatch.setenv(lm.VERIFY_ENV, "1")
    assert "sha256" in lm.cache_problem(folder)
    monkeypatch.delenv(lm.VERIFY_ENV)

    for damage, expected in [
        (lambda f: (f / "model.safetensors").write_bytes(b"short"), "wrong size"),
        (lambda f: (f / "config.json").unlink(), "missing config.json"),
        (lambda f: (f / "retrans-model.json").write_text("{not json", encoding="utf-8"), "unreadable"),
        (lambda f: (f / "pytorch_model.bin").write_bytes(b"\x80\x04pickle"), "only safetensors"),
    ]:
        folder = fake_cache(tmp_path / f"d{len(expected)}{expected[:4]}")
        damage(folder)
        assert expected in lm.cache_problem(folder), expected


def test_corrupted_cache_is_rebuilt_and_a_sound_one_is_not(tmp_path, monkeypatch):
    monkeypatch.delenv(lm.VERIFY_ENV, raising=False)
    spec = lm.MODELS["gemma3-270m"]
    calls = []

    def convert(s, folder):
        calls.append(folder)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        fake_cache(folder)

    folder = fake_cache(tmp_path / "m")
    assert lm.ensure_cache(spec, folder, convert) is False and calls == []
    (folder / "model.safetensors").write_bytes(b"truncated")
    assert lm.ensure_cache(spec, folder, convert) is True and calls == [folder]
    assert lm.cache_problem(folder) is None  # rebuilt, and sound again
    assert lm.ensure_cache(spec, tmp_path / "absent", convert) is True  # no cache yet: converted


def test_an_old_marker_gets_checksums_once(tmp_path):
    import json

    folder = fake_cache(tmp_path / "m")
    marker = folder / "retrans-model.json"
    old = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({"model": "fake", "sizes": old["sizes"]}), encoding="utf-8")
    assert lm.cache_problem(folder) is None
    assert json.loads(marker.read_text(encoding="utf-8"))["sha256"] == old["sha256"]
