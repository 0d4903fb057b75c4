"""``suggest`` mines name clusters from MT output; ``learn`` turns reviewed edits into variants; ``find``."""

from __future__ import annotations

import csv
import shutil

import yaml
from typer.testing import CliRunner

from retrans.cli import app
from retrans.formats.glossary_yaml import read_glossary
from retrans.glossary_search import find
from retrans.suggest import suggest
from tests.conftest import DATA, ROOT, SEED

runner = CliRunner()


def _cluster(result, *spellings):
    for c in result["clusters"]:
        if set(spellings) <= set(c["spellings"]):
            return c
    raise AssertionError(f"no cluster with {spellings}: {[c['spellings'] for c in result['clusters']]}")


def test_seed_article_clusters(news_glossary):
    result = suggest([(SEED.name, SEED.read_text(encoding="utf-8"))], news_glossary)
    volodymyr = _cluster(result, "Walodimir", "Walloudimir")
    assert volodymyr["closest_form"] == "Volodymyr"
    zelnski = _cluster(result, "Zelnski")
    assert zelnski["closest_entry"] == "volodymyr_zelensky" and zelnski["closest_form"].startswith("Zelensk")
    assert any("Walloudimir Zelnski" in s for s in volodymyr["seen_at"]["Walloudimir"])
    spelled = {s for c in result["clusters"] for s in c["spellings"]}
    assert not spelled & {"Russia", "Russian", "Ukraine", "Ukrainian", "Moscow", "Washington"}


def test_suggest_without_the_names_in_the_glossary(small_glossary):
    """With a glossary that lacks them, the seed's spellings are new and still found."""
    result = suggest([(SEED.name, SEED.read_text(encoding="utf-8"))], small_glossary)
    c = _cluster(result, "Walodimir", "Walloudimir")
    assert c["status"]["Walodimir"] == "new" and c["closest_form"] == "Volodymyr"


def test_dev_corpus_clusters(news_glossary):
    rows = list(csv.DictReader((ROOT / "corpora" / "dev" / "dev.tsv").open(encoding="utf-8"), delimiter="\t"))
    result = suggest([(r["id"], r["mt"]) for r in rows], news_glossary)
    assert _cluster(result, "Zelensky", "Zelnski")["closest_entry"] == "volodymyr_zelensky"
    assert _cluster(result, "Kharkiv", "Kharkov")["closest_entry"] == "kharkiv"
    assert _cluster(result, "Kyiv", "Kiev")["closest_entry"] == "kyiv"


def test_source_evidence(news_glossary):
    docs = [("d", "The attack on the third city.\nNATO chief Mark Route spoke.")]
    sources = [("s", "حمله به شهر سومی.\nمارک روته سخن گفت.")]
    result = suggest(docs, news_glossary, sources=sources)
    missing = {m["entry"]: m for m in result["missing"]}
    assert missing["sumy"]["seen_at"] == ["s:1"]


def test_suggest_cli_writes_yaml_for_review(tmp_path):
    out = tmp_path / "s.yaml"
    r = runner.invoke(app, ["glossary", "suggest", str(SEED), "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["kind"] == "retrans-suggestions" and data["clusters"]


def test_learn_adds_accepted_originals(tmp_path):
    g = tmp_path / "g.yaml"
    shutil.copy(DATA / "glossary" / "commented.yaml", g)
    r = runner.invoke(app, ["glossary", "learn", str(DATA / "glossary" / "review.jsonl"), "-g", str(g)])
    assert r.exit_code == 0, r.output
    assert read_glossary(g)["sumy"].forms["en"].variants == ("Soumy", "Soumey", "Sumi")
    assert read_glossary(g)["mark_rutte"].forms["en"].variants == ("Mark Route",)  # rejected
    assert "a mistranslation" in r.stdout and "fix loop" in r.stdout and "already a form" in r.stdout
    assert "# ---- people" in g.read_text(encoding="utf-8")


def test_find_is_fuzzy(news_glossary):
    assert find(news_glossary, "Zelnski")[0].entry_id == "volodymyr_zelensky"
    assert find(news_glossary, "Zelenskky", lang="en")[0].entry_id == "volodymyr_zelensky"
    r = runner.invoke(app, ["glossary", "find", "Ruttee"])
    assert r.exit_code == 0 and "mark_rutte" in r.stdout.splitlines()[0]
