"""Shared fixtures. The real ranking model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrans.config import DEFAULT_MODEL, RepairConfig
from retrans.formats.glossary_yaml import read_glossary
from retrans.pipeline import Repairer, make_ranker

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "corpora" / "seed" / "000_c47c7fd5e8793407.txt"


@pytest.fixture(scope="session")
def small_glossary():
    return read_glossary(DATA / "small.yaml")


@pytest.fixture(scope="session")
def news_glossary():
    return read_glossary(ROOT / "glossaries" / "news.yaml")


@pytest.fixture(scope="session")
def lm_repairer(news_glossary):
    config = RepairConfig()
    return Repairer(news_glossary, make_ranker(DEFAULT_MODEL, config), config)


@pytest.fixture(scope="session")
def seed_result(lm_repairer):
    return lm_repairer.repair(SEED.read_text(encoding="utf-8"), SEED.name)
