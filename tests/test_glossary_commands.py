"""list/show/stats/import/export/merge through the CLI, and the glossary cache."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from retrans.cli import app
from retrans.errors import RetransError
from retrans.formats.glossary_yaml import read_glossary
from retrans.formats.tbx import read_tbx
from retrans.glossary import Entry, Forms, Glossary
from retrans.glossary_cache import CACHE_FORMAT, cache_dir, load_glossary_file
from retrans.glossary_merge import merge
from tests.conftest import DATA, ROOT

runner = CliRunner()
NEWS = ROOT / "glossaries" / "news.yaml"


def run(*args):
    return runner.invoke(app, ["glossary", *map(str, args)])


def test_list_show_stats():
    r = run("list", "--kind", "person", "-g", NEWS)
    assert r.exit_code == 0 and "volodymyr_zelensky\tperson\ten\tVolodymyr Zelensky" in r.stdout
    assert all(line.split("\t")[1] == "person" for line in r.stdout.splitlines())
    r = run("list", "--lang", "fa", "--json", "-g", NEWS)
    assert all("fa" in json.loads(line)["forms"] for line in r.stdout.splitlines())
    r = run("show", "sumy", "-g", NEWS)
    assert r.stdout.startswith(f"# {NEWS}:") and "canonical: Sumy" in r.stdout
    r = run("stats", "-g", NEWS)
    assert r.stdout.splitlines()[0] == f"entries\t{len(read_glossary(NEWS))}"


def test_import_export_round_trip_through_files(tmp_path):
    tbx, back = tmp_path / "g.tbx", tmp_path / "back.yaml"
    assert run("export", "--to", "tbx", "-g", NEWS, "-o", tbx).exit_code == 0
    assert run("import", tbx, "-o", back).exit_code == 0
    assert [e.to_dict() for e in read_glossary(back)] == [e.to_dict() for e in read_glossary(NEWS)]
    assert len(read_tbx(tbx)) == len(read_glossary(NEWS))
    r = run("import", DATA / "glossary" / "pairs_deepl.csv", "--source-lang", "de", "--target-lang", "en")
    assert r.exit_code == 0 and "canonical: Zelensky" in r.stdout


def test_outputs_never_overwrite_inputs(tmp_path):
    g = tmp_path / "g.yaml"
    g.write_bytes(NEWS.read_bytes())
    r = run("export", "--to", "yaml", "-g", g, "-o", g)
    assert isinstance(r.exception, RetransError) and "never overwritten" in str(r.exception)
    r = run("merge", g, NEWS, "-o", g)
    assert isinstance(r.exception, RetransError)
    assert g.read_bytes() == NEWS.read_bytes()


def _g(*entries):
    return Glossary(Entry(i, "place", "", {"en": Forms(c, tuple(v))}) for i, c, v in entries)


def test_merge_by_id_and_by_canonical():
    a = _g(("kyiv", "Kyiv", ["Kiev"]), ("sumy", "Sumy", []))
    b = _g(("kyiv", "Kyiv", ["Kyjiw"]), ("sumy_city", "Sumy", ["Soumy"]), ("lviv", "Lviv", []))
    res = merge(a, b)
    assert res.conflicts == [] and res.joined == [("sumy", "sumy_city")] and res.added == ["lviv"]
    assert res.glossary["kyiv"].forms["en"].variants == ("Kiev", "Kyjiw")
    assert res.glossary["sumy"].forms["en"].variants == ("Soumy",)
    assert [e.id for e in res.glossary] == ["kyiv", "sumy", "lviv"]


def test_merge_conflicts_and_prefer(tmp_path):
    a = _g(("kyiv", "Kyiv", ["Kiev"]))
    b = _g(("kyiv", "Kiev", []))
    res = merge(a, b)
    assert res.glossary is None and res.conflicts[0].a == "Kyiv" and res.conflicts[0].b == "Kiev"
    assert merge(a, b, "a").glossary["kyiv"].forms["en"] == Forms("Kyiv", ("Kiev",))  # A calls Kiev a variant
    assert merge(a, b, "b").glossary["kyiv"].forms["en"] == Forms("Kiev", (), ("Kyiv",))


def test_merge_cli_keeps_comments_of_a(tmp_path):
    b = tmp_path / "b.yaml"
    b.write_text("version: 1\nentries:\n  - id: sumy\n    kind: place\n    forms:\n      en: {canonical: Sumy, "
                 "variants: [Sumi]}\n  - id: lviv\n    kind: place\n    forms:\n      en: {canonical: Lviv}\n",
                 encoding="utf-8")
    out = tmp_path / "out.yaml"
    a = DATA / "glossary" / "commented.yaml"
    r = run("merge", a, b, "-o", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "# ---- the end: this comment introduces kyiv" in text and "# Persian روته" in text
    g = read_glossary(out)
    assert g["sumy"].forms["en"].variants == ("Soumy", "Sumi") and "lviv" in g
    conflict = tmp_path / "c.yaml"
    conflict.write_text("version: 1\nentries:\n  - id: kyiv\n    forms:\n      en: Kiev\n", encoding="utf-8")
    r = run("merge", a, conflict, "-o", tmp_path / "o2.yaml")
    assert r.exit_code == 2 and "conflict: kyiv.en" in r.stdout and not (tmp_path / "o2.yaml").exists()


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RETRANS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("RETRANS_GLOSSARY_CACHE", raising=False)
    return tmp_path / "cache" / "glossaries"


def test_cache_is_json_keyed_on_content_and_survives_corruption(cache, tmp_path):
    g = tmp_path / "g.yaml"
    g.write_bytes(NEWS.read_bytes())
    first = load_glossary_file(g)
    (entry,) = list(cache.iterdir())
    assert cache_dir() == cache and entry.suffix == ".json"
    record = json.loads(entry.read_text(encoding="utf-8"))
    assert record["format"] == CACHE_FORMAT and len(record["entries"]) == len(first)
    again = load_glossary_file(g)
    assert [e.to_dict() for e in again] == [e.to_dict() for e in first]
    assert [e.source for e in again] == [e.source for e in first]
    entry.write_text('{"format": 1, "sha256": "x", "entries": [[', encoding="utf-8")  # corrupt
    assert [e.to_dict() for e in load_glossary_file(g)] == [e.to_dict() for e in first]
    assert json.loads(entry.read_text(encoding="utf-8"))["entries"]  # rebuilt
    g.write_text(NEWS.read_text(encoding="utf-8").replace("Soumy", "Soumie"), encoding="utf-8")
    assert load_glossary_file(g)["sumy"].forms["en"].variants[0] == "Soumie"  # new content, new key
    assert len(list(cache.iterdir())) == 2


def test_cache_never_hides_a_bad_file(cache, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nentries:\n  - id: A\n    forms: {en: X}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RetransError, match="bad.yaml:3"):
            load_glossary_file(bad)


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "retrans", "glossary", "import",
                        str(ROOT / "tests" / "fuzz" / "tbx" / "xxe_file.tbx")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "DOCTYPE" in r.stderr and "root:" not in r.stderr
