"""Multilingual targets: case forms, text without spaces, mixed scripts (no model needed)."""

from __future__ import annotations

import pytest

from retrans.config import RepairConfig
from retrans.detect import Matcher
from retrans.glossary import Entry, Forms, Glossary
from retrans.inflect import inflect_like, phrase_forms
from retrans.multilingual import MorphSpan
from retrans.pipeline import Repairer
from retrans.rank import GlossaryRanker
from retrans.score import CHAR_TOKEN, diff_edits
from retrans.scripts import mixed_words


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary([
        Entry("zelensky", "person", forms={
            "en": Forms("Volodymyr Zelensky", ("Zelnski",), ("Zelensky",)),
            "cs": Forms("Volodymyr Zelenskyj", ("Zelenskij", "Zelensky"), ("Zelenskyj",)),
            "pl": Forms("Wołodymyr Zełenski", ("Zelensky", "Zelenski"), ("Zełenski",)),
            "uk": Forms("Володимир Зеленський", ("Зеленский",), ("Зеленський",)),
            "de": Forms("Wolodymyr Selenskyj", ("Zelensky",), ("Selenskyj",)),
            "zh": Forms("泽连斯基", ("泽伦斯基",)),
            "ja": Forms("ゼレンスキー", ("ジェレンスキー",))}),
        Entry("kyiv", "place", forms={
            "en": Forms("Kyiv", ("Kiev",)),
            "cs": Forms("Kyjev", ("Kijev", "Kyiv")),
            "uk": Forms("Київ", ("Киев",)),
            "ru": Forms("Киев", ("Кыйив",)),
            "de": Forms("Kyjiw", ("Kiev",), ("Kiew",)),
            "ja": Forms("キーウ", ("キエフ",))}),
        Entry("kharkiv", "place", forms={
            "cs": Forms("Charkov", ("Kharkiv",)),
            "pl": Forms("Charków", ("Kharkiv",)),
            "uk": Forms("Харків", ("Харьков",)),
            "zh": Forms("哈尔科夫", ("哈爾科夫",))}),
        Entry("trump", "person", forms={"en": Forms("Donald Trump"), "zh": Forms("特朗普", ("川普",))}),
    ])


def fix(glossary: Glossary, lang: str, text: str) -> str:
    repairer = Repairer(glossary, GlossaryRanker(), RepairConfig(lang=lang, model="none"))
    return repairer.repair(text).text


def spans(glossary: Glossary, lang: str, text: str) -> list[str]:
    return [s.text for s in Matcher(glossary, lang).find(text)]


# ----------------------------------------------------------------------------- inflection


def test_czech_rules_decline_names_by_paradigm():
    forms = phrase_forms("cs", "Volodymyr Zelenskyj", "person")
    assert forms["gent"] == ("Volodymyra Zelenského",)
    assert forms["datv"][0] == "Volodymyrovi Zelenskému"
    assert "Kyjevě" in phrase_forms("cs", "Kyjev", "place")["loct"]
    assert "Praze" in phrase_forms("cs", "Praha", "place")["loct"]  # h softens before -e


def test_polish_locative_softens_the_stem():
    assert phrase_forms("pl", "Charków", "place")["loct"] == ("Charkowie",)
    assert phrase_forms("pl", "Wołodymyr Zełenski", "person")["gent"] == ("Wołodymyra Zełenskiego",)


def test_german_genitive_only_on_the_last_word():
    assert set(phrase_forms("de", "Wolodymyr Selenskyj", "person")["gent"]) == {
        "Wolodymyr Selenskyjs", "Wolodymyr Selenskyj's"}


def test_pymorphy_declines_russian_and_ukrainian_names():
    assert "Харькова" in phrase_forms("ru", "Харьков", "place")["gent"]
    assert "Харкові" in phrase_forms("uk", "Харків", "place")["loct"]
    assert phrase_forms("uk", "Володимир Зеленський", "person")["datv"][0].endswith("Зеленському")


def test_inflect_like_keeps_the_case_of_the_hit():
    assert inflect_like("cs", "Kijev", "Kijevu", "Kyjev", "place")[0] == "Kyjevu"  # suffix transfer
    assert "Zelenskému" in inflect_like("cs", "Zelenskij", "Zelenskijovi", "Zelenskyj", "person")
    assert inflect_like("pl", "Kharkiv", "Kharkivie", "Charków", "place") == ["Charkowie"]
    assert inflect_like("uk", "Харьков", "Харькова", "Харків", "place")[0] == "Харкова"


# ----------------------------------------------------------------------------- detection and repair


def test_wrong_name_found_in_any_case_and_fixed_in_that_case(glossary):
    assert fix(glossary, "cs", "Delegace odletěla z Kijeva.") == "Delegace odletěla z Kyjeva."
    assert fix(glossary, "cs", "Podle Zelenskyho Rusko nechce mír.") == "Podle Zelenského Rusko nechce mír."
    assert fix(glossary, "pl", "W Kharkivie ogłoszono alarm.") == "W Charkowie ogłoszono alarm."
    assert fix(glossary, "uk", "Удар по Харькову вночі.") == "Удар по Харкову вночі."


def test_correct_name_is_protected_in_every_case(glossary):
    assert spans(glossary, "cs", "Setkal se se Zelenským v Kyjevě, pak odjel do Charkova.") == []
    assert spans(glossary, "uk", "Зустріч із Зеленським у Києві та Харкові.") == []
    # admitted forms stay, also in the genitive: German "Kiew" is standard German
    assert spans(glossary, "de", "Kiews Bürgermeister war in Kiew.") == []
    assert fix(glossary, "de", "Zelenskys Rede in Kiev") == "Selenskyjs Rede in Kyjiw"


def test_inflected_spans_carry_their_case(glossary):
    [span] = Matcher(glossary, "cs").find("Rozhovor se Zelenskym.")
    assert isinstance(span, MorphSpan) and set(span.cases) == {"loct", "ablt"}


def test_chinese_and_japanese_names_found_inside_unsegmented_sentences(glossary):
    assert fix(glossary, "zh", "乌克兰总统泽伦斯基说") == "乌克兰总统泽连斯基说"
    assert fix(glossary, "zh", "哈爾科夫州遭到袭击") == "哈尔科夫州遭到袭击"
    assert fix(glossary, "ja", "ジェレンスキー大統領はキエフで会談した") == "ゼレンスキー大統領はキーウで会談した"
    # a Latin name left in the text
    assert fix(glossary, "ja", "ウクライナのZelensky大統領") == "ウクライナのゼレンスキー大統領"


def test_unspaced_forms_are_not_found_inside_longer_words(glossary):
    assert spans(glossary, "zh", "哈爾科夫斯基先生") == []  # a longer transliterated name
    assert spans(glossary, "zh", "四川普降暴雨") == []  # 四川 | 普降, not 川普
    assert spans(glossary, "ja", "キエフスキー氏") == []  # the Katakana run goes on
    assert spans(glossary, "zh", "泽连斯基在基辅") == []


def test_mixed_script_words_get_their_single_script_form(glossary):
    assert mixed_words("У Kиєві", "uk") == [(2, 7, "Києві")]
    assert mixed_words("Zеlensky", "en") == [(0, 8, "Zelensky")]
    assert mixed_words("Київ and Kyiv", "uk") == []
    assert fix(glossary, "uk", "Вибухи у Kиєві вночі.") == "Вибухи у Києві вночі."
    # a name no entry knows is still suspect
    assert fix(glossary, "ru", "Встреча с Пeсковым") == "Встреча с Песковым"


def test_english_is_untouched_by_the_language_hooks(glossary):
    [span] = Matcher(glossary, "en").find("Kiev and Zelnski")[:1]
    assert not isinstance(span, MorphSpan)


def test_character_diff_for_text_without_spaces():
    [edit] = diff_edits("总统泽伦斯基说", "总统泽连斯基说", token=CHAR_TOKEN)
    assert (edit.start, edit.end, edit.replacement) == (3, 4, "连")
    assert diff_edits("总统泽伦斯基说", "总统泽连斯基说") != [edit]
