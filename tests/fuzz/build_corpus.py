"""Regenerate the fuzz corpus of bad inputs (``python tests/fuzz/build_corpus.py``).

The files are kept in the repository; this script documents how each was made.
Every file has an expected outcome in ``tests/test_reliability_fuzz.py``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

GOOD_ENTRY = "  - id: a\n    forms: {en: {canonical: Kherson, variants: [Khason]}}\n"
HEAD = "version: 1\nentries:\n"

TEXT = {
    "binary.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256)),
    "nul_late.txt": b"Khason is a city.\n" * 600 + b"late \x00 byte\n",
    "invalid_utf8.txt": "Khason is a city.\ncaf\xe9 au lait\n".encode("latin-1"),
    "truncated_utf8.txt": "Khason is a city.\nZelensk\u00fd".encode()[:-1],
    "overlong_utf8.txt": b"Khason\n\xc0\xaf\n",
    "surrogate_utf8.txt": b"Khason\n\xed\xa0\x80\n",
    "utf16_le_bom.txt": "Khason is a city.\n".encode("utf-16"),
    "utf16_be_bom.txt": b"\xfe\xff" + "Khason is a city.\n".encode("utf-16-be"),
    "utf32_bom.txt": "Khason is a city.\n".encode("utf-32"),
    "empty.txt": b"",
    "whitespace_only.txt": b" \t\r\n\n   \n",
}

GLOSSARY = {
    "malformed.yaml": (HEAD + "  - id: a\n    forms: {en: {canonical: Kherson\n").encode(),
    "bad_indent.yaml": (HEAD + "  - id: a\n   forms:\n      en: Kherson\n").encode(),
    "alias_bomb.yaml": (
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                  f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                  f"*{chr(97 + i)}]\n" for i in range(8))
        + HEAD + GOOD_ENTRY).encode(),
    "alias_entry.yaml": (HEAD + "  - &e\n    id: a\n    forms: {en: Kherson}\n  - *e\n").encode(),
    "python_object.yaml": (HEAD + "  - id: a\n    note: !!python/object/apply:os.system "
                           "['touch /tmp/retrans-pwned']\n    forms: {en: Kherson}\n").encode(),
    "python_name.yaml": (HEAD + "  - id: !!python/name:os.system a\n    forms: {en: Kherson}\n").encode(),
    "custom_tag.yaml": (HEAD + "  - !entry\n    id: a\n    forms: {en: Kherson}\n").encode(),
    "unknown_key.yaml": (HEAD + GOOD_ENTRY + "    colour: red\n").encode(),
    "duplicate_id.yaml": (HEAD + GOOD_ENTRY + GOOD_ENTRY).encode(),
    "no_entries.yaml": b"version: 1\nentries: []\n",
    "empty.yaml": b"",
    "comments_only.yaml": b"# nothing here\n",
    "scalar_root.yaml": b"just a string\n",
    "deep_nesting.yaml": b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "binary.yaml": b"\x00\x01\x02version: 1\n",
    "utf16.yaml": (HEAD + GOOD_ENTRY).encode("utf-16"),
    "invalid_utf8.yaml": (HEAD + "  - id: a\n    note: caf\xe9\n    forms: {en: Kherson}\n").encode("latin-1"),
    "form_newline.yaml": (HEAD + '  - id: a\n    forms: {en: {canonical: "Kher\\nson", variants: [Khason]}}\n')
    .encode(),
    "form_nul.yaml": (HEAD + '  - id: a\n    forms: {en: {canonical: Kherson, variants: ["Kha\\0son"]}}\n').encode(),
    "form_invisible.yaml": (HEAD + '  - id: a\n    forms: {en: {canonical: Kherson, variants: ["\\u200b\\u0301"]}}\n')
    .encode(),
    "form_empty.yaml": (HEAD + '  - id: a\n    forms: {en: {canonical: Kherson, variants: ["  "]}}\n').encode(),
    "list_as_form.yaml": (HEAD + "  - id: a\n    forms: {en: {canonical: [Kherson]}}\n").encode(),
}

# Valid glossaries whose forms are hostile to naive matchers; each has a text beside it.
ADVERSARIAL_GLOSSARY = HEAD + """\
  - id: regex
    forms:
      en: {canonical: Regex Corp, variants: ["R.*x", "(a|b)+", "[Zz]elnski", "x\\\\d", "^Start$", "a?b"]}
  - id: zero_width
    forms:
      en: {canonical: Ziwi, variants: ["Zi\\u200bwi", "Zi\\u200dwy"]}
      fa: {canonical: "می\\u200cخواهم", variants: ["میخواهم"]}
  - id: combining
    forms:
      en: {canonical: Zelensky, variants: ["Zelen\\u0301ski", "Ze\\u0300lnski"]}
  - id: rtl
    forms:
      en: {canonical: Tehran, variants: ["\\u200fTeheran", "Tehr\\u202ean\\u202c"]}
      fa: {canonical: تهران, variants: ["\\u200fطهران"]}
  - id: overlap
    forms:
      en: {canonical: Mark Rutte, variants: [Mark Route, Route], admitted: [Route 66]}
"""

ADVERSARIAL_TEXT = (
    "R.*x met (a|b)+ and [Zz]elnski, not Rex or Zelnski; x\\d is not x5.\n"
    "RomaxR and aab and ab stay; ^Start$ is literal; a?b too.\r\n"
    "Zi\u200bwi and Zi\u200dwy; Ziwi is right; Zi\u200b\u200bwi is not a form.\n"
    "Zelen\u0301ski, Ze\u0300lnski and Zelen\u0301\u0301ski (two marks) and Zelenski.\n"
    "\u200fTeheran \u200f\u200eTeheran Tehr\u202ean\u202c and \u202bTeheran\u202c.\n"
    "Mark Route took Route 66; the Route was long; Mark Rutte.\n"
    "\ufeffmid-line BOM, \u2028 line separator, \u0085 next line, \x0b vt, \x1b[31m escape.\n"
)

TBX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
TBX_BODY = ('<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">\n'
            "<text><body>\n<conceptEntry id=\"a\"><langSec xml:lang=\"en\">"
            "<termSec><term>{term}</term></termSec></langSec></conceptEntry>\n</body></text>\n</tbx>\n")
TBX = {
    "xxe_file.tbx": TBX_HEAD + '<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + TBX_BODY.format(term="&xxe;"),
    "xxe_network.tbx": TBX_HEAD + '<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>\n'
    + TBX_BODY.format(term="&xxe;"),
    "external_dtd.tbx": TBX_HEAD + '<!DOCTYPE tbx SYSTEM "http://127.0.0.1:9/tbx.dtd">\n'
    + TBX_BODY.format(term="Kherson"),
    "parameter_entity.tbx": TBX_HEAD + '<!DOCTYPE tbx [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
    + TBX_BODY.format(term="Kherson"),
    "billion_laughs.tbx": TBX_HEAD + "<!DOCTYPE tbx [\n<!ENTITY lol \"lol\">\n"
    + "".join(f"<!ENTITY lol{i + 1} \"{('&lol' + (str(i) if i else '') + ';') * 10}\">\n" for i in range(9))
    + "]>\n" + TBX_BODY.format(term="&lol9;"),
    "malformed.tbx": TBX_HEAD + TBX_BODY.format(term="Kherson").replace("</body>", ""),
    "not_xml.tbx": "version: 1\nentries: []\n",
}

CSV = {
    "wrong_columns.csv": "id,lang,canonical,variants\na,en,Kherson,Khason\nb,en\nc,en,Kyiv,Kiev,extra,more\n",
    "unclosed_quote.csv": 'id,lang,canonical,variants\na,en,"Kherson,Khason\n',
    "binary.csv": "id,lang,canonical\x00\n",
    "empty.csv": "",
    "header_only.csv": "id,lang,canonical,variants\n",
}


def build() -> None:
    for folder, files in (("text", TEXT), ("glossary", GLOSSARY)):
        (HERE / folder).mkdir(exist_ok=True)
        for name, data in files.items():
            (HERE / folder / name).write_bytes(data)
    adv = HERE / "adversarial"
    adv.mkdir(exist_ok=True)
    (adv / "forms.yaml").write_text(ADVERSARIAL_GLOSSARY, encoding="utf-8")
    (adv / "forms.txt").write_bytes(ADVERSARIAL_TEXT.encode("utf-8"))
    for folder, files in (("tbx", TBX), ("csv", CSV)):
        (HERE / folder).mkdir(exist_ok=True)
        for name, text in files.items():
            (HERE / folder / name).write_bytes(text.encode("utf-8"))


if __name__ == "__main__":
    build()
