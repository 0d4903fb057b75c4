"""Read and write XLIFF 1.2 and 2.x bilingual files: (unit id, source, target) triples.

Parsing is safe: lxml with entity resolution, DTD loading and network access off,
and huge trees refused. Inline markup inside ``<source>``/``<target>`` (``<g>``,
``<ph>``, ``<pc>`` ...) is read as its text content. :func:`write_xliff` replaces
the targets of an existing file, unit by unit, and writes it atomically.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lxml import etree

from ..errors import FormatError

NS_12 = "urn:oasis:names:tc:xliff:document:1.2"
NS_2 = "urn:oasis:names:tc:xliff:document:2.0"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=False)


def _parse(path: str | Path) -> etree._ElementTree:
    try:
        tree = etree.parse(str(path), _parser())
    except (OSError, etree.XMLSyntaxError) as exc:
        raise FormatError(f"{path}: not a readable XLIFF file ({exc})") from None
    if tree.docinfo.internalDTD is not None and tree.docinfo.internalDTD.entities():
        raise FormatError(f"{path}: XLIFF with entity declarations is refused")
    return tree


def _version(root: etree._Element, path: str | Path) -> str:
    ns = etree.QName(root).namespace
    if etree.QName(root).localname != "xliff" or ns not in (NS_12, NS_2):
        raise FormatError(f"{path}: not XLIFF 1.2 or 2.x (root {root.tag!r})")
    return "1.2" if ns == NS_12 else "2"


def _units(root: etree._Element, version: str) -> list[tuple[str, etree._Element, etree._Element | None]]:
    """(id, source element, target element or None) per segment."""
    out = []
    if version == "1.2":
        for tu in root.iter(f"{{{NS_12}}}trans-unit"):
            src = tu.find(f"{{{NS_12}}}source")
            if src is not None:
                out.append((tu.get("id", ""), src, tu.find(f"{{{NS_12}}}target")))
    else:
        for unit in root.iter(f"{{{NS_2}}}unit"):
            segs = unit.findall(f"{{{NS_2}}}segment")
            for k, seg in enumerate(segs):
                src = seg.find(f"{{{NS_2}}}source")
                if src is not None:
                    uid = unit.get("id", "") if len(segs) == 1 else f"{unit.get('id', '')}/{seg.get('id', k + 1)}"
                    out.append((uid, src, seg.find(f"{{{NS_2}}}target")))
    return out


def _text(el: etree._Element | None) -> str:
    return "" if el is None else "".join(el.itertext())


def read_xliff(path: str | Path) -> list[tuple[str, str, str]]:
    """The (unit id, source, target) of every segment, in document order; a missing target is ""."""
    root = _parse(path).getroot()
    version = _version(root, path)
    return [(uid, _text(src), _text(tgt)) for uid, src, tgt in _units(root, version)]


def write_xliff(path: str | Path, out: str | Path, targets: dict[str, str]) -> int:
    """Copy XLIFF ``path`` to ``out`` with the targets of the units in ``targets`` replaced
    (a missing ``<target>`` is created); returns how many were replaced. Inline markup in a
    replaced target is dropped, so only pass units whose target text changed."""
    tree = _parse(path)
    root = tree.getroot()
    version = _version(root, path)
    ns = NS_12 if version == "1.2" else NS_2
    done = 0
    for uid, src, tgt in _units(root, version):
        if uid not in targets:
            continue
        if tgt is None:
            tgt = etree.Element(f"{{{ns}}}target")
            tgt.tail = src.tail
            src.addnext(tgt)
        for child in list(tgt):
            tgt.remove(child)
        tgt.text = targets[uid]
        done += 1
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            tree.write(fh, xml_declaration=True, encoding="UTF-8")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return done
