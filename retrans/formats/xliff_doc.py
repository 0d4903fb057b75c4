"""XLIFF 1.2 / 2.x documents: targets are repaired, with their sources as aligned evidence.

Parsed safely with lxml (see :mod:`.xliff`). A target without inline markup is one
segment whose source is the unit's source text (bilingual mode); a target with
inline markup (``<g>``, ``<pc>``, ``<mrk>`` ...) is repaired text node by text
node (each with the unit's whole source as evidence), so the markup is kept;
native code inside ``<ph>``, ``<bpt>``, ``<ept>``, ``<it>`` is not touched.
Sources, notes and attributes are never changed. The file is rebuilt by lxml:
the XML declaration and surrounding whitespace are kept as written, the rest is
equivalent XML (attribute quoting or empty-element style may be normalised).
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import FormatError
from .documents import Parsed, Segment
from .xliff import NS_2, NS_12, _parser, _units, _version

_DECL = re.compile(r"\A<\?xml[^>]*\?>")
_CODE = frozenset({"ph", "bpt", "ept", "it", "sc", "ec", "cp"})  # native code, not text


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _nodes(tgt: etree._Element) -> list[tuple[etree._Element, str]]:
    """(element, "text" or "tail") of every text node of ``tgt`` that holds translatable text."""
    out: list[tuple[etree._Element, str]] = [(tgt, "text")]

    def walk(el: etree._Element) -> None:
        for child in el:
            if isinstance(child.tag, str) and _local(child) not in _CODE:
                out.append((child, "text"))
                walk(child)
            out.append((child, "tail"))

    walk(tgt)
    return [(el, attr) for el, attr in out if (getattr(el, attr) or "").strip()]


def source_language(root: etree._Element, version: str) -> str | None:
    """The file's source language as a glossary language code (``fa-IR`` -> ``fa``)."""
    if version == "1.2":
        f = root.find(f"{{{NS_12}}}file")
        lang = f.get("source-language") if f is not None else None
    else:
        lang = root.get("srcLang")
    return lang.split("-")[0].split("_")[0].lower() if lang else None


class XliffFormat:
    name = "xliff"

    def parse(self, text: str, name: str) -> Parsed:
        decl = _DECL.match(text)
        body = text[decl.end():] if decl else text
        try:
            tree = etree.ElementTree(etree.fromstring(body, _parser()))
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if exc.lineno else None
            msg = re.sub(r", line \d+, column \d+$", "", exc.msg)
            raise FormatError(f"not well-formed XML ({msg})", name, line) from None
        docinfo = tree.docinfo
        if docinfo.internalDTD is not None and docinfo.internalDTD.entities():
            raise FormatError("XLIFF with entity declarations is refused", name)
        root = tree.getroot()
        try:
            version = _version(root, name)
        except FormatError:
            raise FormatError("not XLIFF 1.2 or 2.x (the root is not an <xliff> element of either namespace)",
                              name) from None
        segments: list[Segment] = []
        slots: list[tuple[etree._Element, str]] = []
        for uid, src, tgt in _units(root, version):
            if tgt is None:
                continue
            nodes = _nodes(tgt)
            if len(tgt) == 0 and nodes:
                segments.append(Segment(uid, 0, 0, tgt.text, "".join(src.itertext())))
                slots.append((tgt, "text"))
                continue
            source = "".join(src.itertext())
            for k, (el, attr) in enumerate(nodes, 1):  # each piece of the sentence has the whole source
                segments.append(Segment(f"{uid}.{k}", 0, 0, getattr(el, attr), source))
                slots.append((el, attr))

        def render(repaired: list[str]) -> str:
            for (el, attr), seg, new in zip(slots, segments, repaired):
                if new != seg.text:
                    setattr(el, attr, new)
            lead = body[:len(body) - len(body.lstrip())]
            trail = body[len(body.rstrip()):]
            return (decl.group(0) if decl else "") + lead + etree.tostring(tree, encoding="unicode") + trail

        return Parsed(segments, render, source_language(root, version))


__all__ = ["XliffFormat", "NS_2", "NS_12", "source_language"]
