"""XLIFF 1.2 / 2.x: source+target pairs read safely, targets written back."""

from __future__ import annotations

import pytest

from retrans.errors import FormatError
from retrans.formats.xliff import read_xliff, write_xliff

X12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="fa" target-language="en" datatype="plaintext" original="a.txt">
  <body>
   <trans-unit id="1"><source>ولودیمیر زلنسکی</source><target>Walloudimir <g id="b">Zelnski</g></target></trans-unit>
   <trans-unit id="2"><source>دور سوم مذاکرات</source></trans-unit>
  </body>
 </file>
</xliff>
"""
X20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="fa" trgLang="en">
 <file id="f1">
  <unit id="u1"><segment><source>سومی</source><target>third</target></segment></unit>
  <unit id="u2"><segment id="s1"><source>الف</source><target>A</target></segment>
                <segment id="s2"><source>ب</source></segment></unit>
 </file>
</xliff>
"""


def test_read_12_and_20(tmp_path):
    a, b = tmp_path / "a.xlf", tmp_path / "b.xlf"
    a.write_text(X12, encoding="utf-8")
    b.write_text(X20, encoding="utf-8")
    assert read_xliff(a) == [("1", "ولودیمیر زلنسکی", "Walloudimir Zelnski"), ("2", "دور سوم مذاکرات", "")]
    assert read_xliff(b) == [("u1", "سومی", "third"), ("u2/s1", "الف", "A"), ("u2/s2", "ب", "")]


@pytest.mark.parametrize("text", [X12, X20])
def test_write_round_trip(tmp_path, text):
    src, out = tmp_path / "in.xlf", tmp_path / "out.xlf"
    src.write_text(text, encoding="utf-8")
    units = read_xliff(src)
    targets = {uid: f"T{k} {s}" for k, (uid, s, _) in enumerate(units)}
    assert write_xliff(src, out, targets) == len(units)
    assert read_xliff(out) == [(uid, s, targets[uid]) for uid, s, _ in units]
    assert read_xliff(src) == units  # the input is untouched


def test_entities_and_dtds_are_refused(tmp_path):
    bomb = tmp_path / "bomb.xlf"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n'
                    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file><body>'
                    '<trans-unit id="1"><source>&b;</source></trans-unit></body></file></xliff>', encoding="utf-8")
    with pytest.raises(FormatError):
        read_xliff(bomb)
    ext = tmp_path / "ext.xlf"
    ext.write_text('<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                   '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file><body>'
                   '<trans-unit id="1"><source>&x;</source></trans-unit></body></file></xliff>', encoding="utf-8")
    with pytest.raises(FormatError):
        read_xliff(ext)


def test_not_xliff(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text("<html/>", encoding="utf-8")
    with pytest.raises(FormatError):
        read_xliff(p)
    p.write_text("<xliff", encoding="utf-8")
    with pytest.raises(FormatError):
        read_xliff(p)
