"""Safety: outputs stay inside --out-dir, weights load from safetensors only, no network at run time."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from retrans import lm
from retrans.errors import InputError
from retrans.safety import out_dir_target, safe_join
from tests.conftest import DATA, ROOT
from tests.reliability_helpers import assert_one_line_error, run_main

SMALL = ["-g", DATA / "small.yaml", "--model", "none"]


@pytest.mark.parametrize("name", ["..", "../x.txt", "a/../../x.txt", "/etc/passwd", "", ".", "a/../b", "x\0y"])
def test_safe_join_refuses_names_that_leave_the_folder(name, tmp_path):
    with pytest.raises(InputError):
        safe_join(tmp_path, name)


def test_safe_join_refuses_links_out_of_the_folder(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "sub").symlink_to(outside)
    (out / "file.txt").symlink_to(outside / "victim.txt")
    with pytest.raises(InputError, match="outside"):
        safe_join(out, "sub/x.txt")
    with pytest.raises(InputError, match="symbolic link"):
        safe_join(out, "file.txt")
    assert safe_join(out, "ok.txt") == out / "ok.txt"
    linked_out = tmp_path / "linked_out"
    linked_out.symlink_to(out)  # the folder itself may be a link
    assert safe_join(linked_out, "ok.txt") == linked_out / "ok.txt"


def test_out_dir_targets_are_the_bare_file_names(tmp_path):
    assert out_dir_target(tmp_path, "/abs/path/a.txt") == tmp_path / "a.txt"
    assert out_dir_target(tmp_path, "../../up/b.txt") == tmp_path / "b.txt"
    for bad in ("..", "/", "x/.."):
        with pytest.raises(InputError):
            out_dir_target(tmp_path, bad)


def test_cli_out_dir_cannot_be_escaped(tmp_path, monkeypatch, capsys):
    work, out = tmp_path / "work", tmp_path / "work" / "out"
    (work / "deep").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n", encoding="utf-8")
    doc = work / "deep" / "victim.txt"  # same name as the victim, reached by a path with '..'
    doc.write_text("Mark Route\n", encoding="utf-8")
    monkeypatch.chdir(work / "deep")
    code, _, err = run_main(["fix", "../deep/victim.txt", str(doc), *SMALL, "--out-dir", out], monkeypatch, capsys)
    assert_one_line_error(code, err, "two inputs share a file name")
    code, _, err = run_main(["fix", "../deep/victim.txt", *SMALL, "--out-dir", out, "-q"], monkeypatch, capsys)
    assert code == 0, err
    assert (out / "victim.txt").read_text(encoding="utf-8") == "Mark Rutte\n"
    # a folder reached through '..' is walked; its files are mirrored inside the output folder, never beside it
    code, _, err = run_main(["fix", "..", *SMALL, "--out-dir", out, "-q"], monkeypatch, capsys)
    assert code == 0, err
    assert (out / "deep" / "victim.txt").read_text(encoding="utf-8") == "Mark Rutte\n"
    assert not (out / "out").exists()  # the output folder inside the input folder is not an input
    # a symbolic link planted in the output folder is not written through
    (out / "victim.txt").unlink()
    (out / "victim.txt").symlink_to(victim)
    code, _, err = run_main(["fix", str(doc), *SMALL, "--out-dir", out], monkeypatch, capsys)
    assert_one_line_error(code, err, "symbolic link")
    assert victim.read_text(encoding="utf-8") == "do not touch\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.txt", "work"]


# --- model weights: safetensors only ---

def test_model_weights_are_loaded_from_safetensors_only():
    """Every from_pretrained of a model either converts the packaged GGUF or insists on safetensors,
    and nothing in retrans unpickles (torch.load, pickle)."""
    source = (ROOT / "retrans" / "lm.py").read_text(encoding="utf-8")
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr == "from_pretrained"
             and isinstance(n.func.value, ast.Name) and n.func.value.id == "AutoModelForCausalLM"]
    assert calls
    for call in calls:
        kw = {k.arg: k.value for k in call.keywords}
        assert "gguf_file" in kw or (isinstance(kw.get("use_safetensors"), ast.Constant)
                                     and kw["use_safetensors"].value is True), ast.unparse(call)
    for path in (ROOT / "retrans").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("torch.load(", "import pickle", "pickle.load", "weights_only=False", "trust_remote_code=True"):
            assert banned not in text, (path, banned)


@pytest.mark.model
def test_the_real_cache_holds_safetensors_only(lm_repairer):
    folder = lm.cache_root() / "models" / "gemma3-270m"
    assert lm.cache_problem(folder) is None
    names = {p.name for p in folder.iterdir()}
    assert any(n.endswith(".safetensors") for n in names)
    assert not [n for n in names if n.endswith(lm._PICKLE_SUFFIXES)]


# --- no network at run time ---

class _NoNetwork(socket.socket):
    attempts: list[str] = []

    def __init__(self, *args, **kwargs):
        _NoNetwork.attempts.append(f"socket{args}")
        raise OSError("network access blocked by the test")


@pytest.mark.model
def test_pipeline_runs_with_sockets_blocked(lm_repairer, monkeypatch):
    _NoNetwork.attempts = []

    def no_dns(*args, **kwargs):
        _NoNetwork.attempts.append(f"getaddrinfo{args}")
        raise OSError("DNS blocked by the test")

    monkeypatch.setattr(socket, "socket", _NoNetwork)
    monkeypatch.setattr(socket, "create_connection", no_dns)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    result = lm_repairer.repair("Mark Route met Walloudimir Zelnski in Khason.", "offline")
    assert result.text == "Mark Rutte met Volodymyr Zelensky in Kherson."
    assert _NoNetwork.attempts == []


BLOCKER = textwrap.dedent("""
    import socket, sys
    log = open(sys.argv[1], "a", encoding="utf-8")
    def refuse(*args, **kwargs):
        log.write(f"network attempt: {args!r}\\n"); log.flush()
        raise OSError("network access blocked by the test")
    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse(*args)
    socket.socket = NoSocket
    socket.create_connection = socket.getaddrinfo = socket.gethostbyname = refuse
    sys.argv = ["retrans", *sys.argv[2:]]
    from retrans.cli import main
    main()
""")


@pytest.mark.model
def test_cli_with_the_real_model_never_touches_the_network(tmp_path, lm_repairer):
    """The whole command (imports, model load from the local cache, ranking, writing) in a fresh
    process whose sockets are blocked from the start, and with no *_OFFLINE variable to lean on."""
    doc, out, log = tmp_path / "in.txt", tmp_path / "out.txt", tmp_path / "network.log"
    doc.write_text("Mark Route met Walloudimir Zelnski in Khason.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE")}
    r = subprocess.run([sys.executable, "-c", BLOCKER, str(log), "fix", str(doc), "-o", str(out), "-q"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == "Mark Rutte met Volodymyr Zelensky in Kherson.\n"
    assert not log.exists() or log.read_text(encoding="utf-8") == ""
