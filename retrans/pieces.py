"""Which of many ASCII words occur in a document, without a Python object per word of it.

A document is seen through :func:`ascii_view`: one byte per character, ASCII letters and digits
lower-cased, every other character a space. Its *pieces* are the runs of non-spaces. numpy hashes
every piece at once (a polynomial hash modulo 2⁶⁴, from prefix sums) and looks the hashes up in
the sorted hashes of the wanted words: a handful of array operations per document, where
splitting it into words costs one object per word. A hash collision only gives a false
candidate, which the caller checks against the text anyway. Changing the hash changes the
stored matchers: bump :data:`retrans.glossary_cache.MATCHER_FORMAT`.
"""

from __future__ import annotations

import re

import numpy as np

_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789"
_TABLE = bytes(c if c in _WORD_BYTES else (c + 32 if 65 <= c <= 90 else 32) for c in range(256))
_BASE = 0x100000001B3  # odd, so invertible modulo 2⁶⁴
_BASE_INV = pow(_BASE, -1, 1 << 64)
_SHIFT = np.uint64(41)  # 2²³ bits of bitmap: 1 MiB
_PAIR = np.uint64(0x9E3779B97F4A7C15)  # mixes the hash of a first piece with the next one's
_MIX = np.uint64(0xD6E8FEB86659FD93)  # spreads a hash's bits over its top ones, for the bitmap
_U64 = np.uint64
_WORDS = re.compile("[a-z0-9]+(?: [a-z0-9]+)*")  # words (and pairs) joined by spaces
_COLUMNS = 48  # words up to this long are hashed side by side


def ascii_view(text: str) -> bytes:
    """``text`` as bytes, one per character, between two spaces: ASCII letters and digits lower-cased,
    everything else (punctuation, spaces, any non-ASCII character) a space. Offsets are ``+ 1``."""
    return b" " + text.encode("latin-1", "replace").translate(_TABLE) + b" "


_SHORT = 1 << 14  # characters of a text below which ascii_array encodes it as ascii_view does
_UNIT_TABLE = np.full(1 << 16, 32, np.uint8)  # _TABLE for every UTF-16 code unit: all but ASCII are spaces
_UNIT_TABLE[:256] = np.frombuffer(_TABLE, np.uint8)


def ascii_array(text: str) -> np.ndarray:
    """:func:`ascii_view` as a numpy array, looked up from the UTF-16 code units of ``text`` (faster than
    encoding it to Latin-1 with replacements, but for a few numpy calls: a short text, or one with a
    character beyond U+FFFF, takes ascii_view)."""
    if len(text) < _SHORT:
        return np.frombuffer(ascii_view(text), np.uint8)
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), np.uint16)
    if len(units) != len(text):
        return np.frombuffer(ascii_view(text), np.uint8)
    out = np.empty(len(units) + 2, np.uint8)
    out[0] = out[-1] = 32
    np.take(_UNIT_TABLE, units, out=out[1:-1])
    return out


def ascii_key(key: str) -> bytes:
    """A folded key as :func:`ascii_view` shows it where it occurs (no padding)."""
    return key.encode("latin-1", "replace").translate(_TABLE)


class _Powers:
    """``base^i`` and ``base^-i`` modulo 2⁶⁴ for ``i < len``, grown on demand (both replaced at once,
    so a thread never sees one grown without the other)."""

    def __init__(self) -> None:
        self.tables = (np.ones(0, _U64), np.ones(0, _U64))

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        tables = self.tables
        if len(tables[0]) < n:
            size = max(n, 2 * len(tables[0]), 4096)
            one = np.ones(1, _U64)
            self.tables = tables = (np.concatenate((one, np.cumprod(np.full(size - 1, _BASE, _U64)))),
                                    np.concatenate((one, np.cumprod(np.full(size - 1, _BASE_INV, _U64)))))
        return tables


_POWERS = _Powers()


def piece_hashes(view: bytes | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, hashes)`` of the pieces of ``view`` (a space-padded :func:`ascii_view` or :func:`ascii_array`)."""
    a = view if isinstance(view, np.ndarray) else np.frombuffer(view, np.uint8)
    n = len(a)
    up, down = _POWERS.get(n)
    word = a != 32
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1  # start, end, start, end ...: padded with spaces
    starts, ends = edges[0::2], edges[1::2]
    prefix = np.zeros(n + 1, _U64)
    np.cumsum(a * up[:n], out=prefix[1:])
    return starts, (prefix[ends] - prefix[starts]) * down[starts]


def pair_hashes(hashes: np.ndarray) -> np.ndarray:
    """The hash of each two consecutive pieces, from theirs (:func:`piece_hashes`)."""
    return hashes[:-1] * _PAIR + hashes[1:]


def word_hashes(words: list[str]) -> np.ndarray:
    """The hash of each of ``words`` (runs of lower-case ASCII letters and digits) as :func:`piece_hashes`
    gives it for a piece of a document: by Horner's rule over the columns of the words, zero-padded."""
    out = np.zeros(len(words), _U64)
    short = [k for k, w in enumerate(words) if len(w) <= _COLUMNS]
    if short:
        width = max(len(words[k]) for k in short)
        grid = np.frombuffer("".join(words[k].ljust(width, "\0") for k in short).encode("ascii"), np.uint8)
        grid = grid.reshape(len(short), width)
        h = np.zeros(len(short), _U64)
        for j in range(width - 1, -1, -1):
            h = h * _BASE + grid[:, j]
        out[short] = h
    for k, w in enumerate(words):
        if len(w) > _COLUMNS:  # rare: hashed through a view of its own
            out[k] = piece_hashes(ascii_view(w))[1][0]
    return out


def _own_hashes(words: list[str]) -> np.ndarray:
    if words and (not _WORDS.fullmatch(" ".join(words)) or any(w.count(" ") > 1 for w in words)):
        raise ValueError("PieceSet words must be runs of ASCII letters and digits, alone or in pairs")
    pairs = [k for k, w in enumerate(words) if " " in w]
    firsts = list(words)
    seconds = []
    for k in pairs:
        firsts[k], second = words[k].split(" ")
        seconds.append(second)
    own = word_hashes(firsts)
    if pairs:
        own[pairs] = own[pairs] * _PAIR + word_hashes(seconds)
    return own


def _pairs(words: list[str]) -> np.ndarray:
    """Whether each of ``words`` (ASCII) is a pair of words: found in their bytes, not word by word."""
    data = np.frombuffer("\n".join(words).encode("ascii"), np.uint8)
    out = np.zeros(len(words), bool)
    out[np.searchsorted(np.flatnonzero(data == 10), np.flatnonzero(data == 32))] = True
    return out


class PieceSet:
    """A fixed set of ASCII words (lower-case letters and digits) and word pairs (two words joined by a
    space), found among a document's pieces and pairs of consecutive pieces."""

    def __init__(self, words: list[str], hashes: bytes | None = None) -> None:
        """``hashes``: :attr:`hash_bytes` of an equal set, stored (computed when not given)."""
        self.words = words
        if hashes is not None:
            own = np.frombuffer(hashes, "<u8").astype(_U64)
            if len(own) != len(words):
                raise ValueError("PieceSet hashes do not fit its words")
        else:
            own = _own_hashes(words)
        self.hash_bytes = own.astype("<u8").tobytes()
        # A bitmap of the top bits of the hashes (mixed: the hashes of short words differ in low bits
        # only), small enough to stay in cache, turns most pieces away before a lookup.
        flags = np.zeros(1 << (64 - int(_SHIFT)), bool)
        flags[(own * _MIX) >> _SHIFT] = True
        self._bitmap = np.packbits(flags, bitorder="little")  # bit i % 8 of byte i // 8
        # For where(): the distinct hashes sorted, with the (first) word of each, whether a word is a pair
        # of words, and the words of each hash that several share (a collision).
        self._sorted, first, counts = np.unique(own, return_index=True, return_counts=True)
        self._word = first.astype(np.intp)
        self._pair = _pairs(words)
        self._shared: np.ndarray | None = None
        self._all: dict[int, list[int]] = {}
        if len(counts) and int(counts.max()) > 1:
            self._shared = counts > 1
            for i in np.flatnonzero(np.isin(own, self._sorted[self._shared])).tolist():
                self._all.setdefault(int(own[i]), []).append(i)

    def _maybe(self, hashes: np.ndarray) -> np.ndarray:
        """Indexes of the ``hashes`` whose bit is set in the bitmap."""
        top = ((hashes * _MIX) >> _SHIFT).astype(np.intp)
        return np.flatnonzero(self._bitmap[top >> 3] & (np.uint8(1) << (top & 7).astype(np.uint8)))

    def where(self, starts: np.ndarray, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(words, places)``: each piece of a document (``starts`` and ``hashes``, from :func:`piece_hashes`)
        that may be one of the single words and each pair of consecutive pieces that may be one of the
        pairs, as the index of the word in ``words`` and the start of its (first) piece in the view. A
        hash collision can add one that is not there; each place of a word comes once."""
        n = len(hashes)
        if not len(self._sorted) or not n:
            return np.zeros(0, np.intp), np.zeros(0, np.intp)
        both = np.concatenate((hashes, pair_hashes(hashes)))
        at = self._maybe(both)
        maybe = both[at]
        if len(maybe) < 256:
            j = np.searchsorted(self._sorted, maybe)
        else:  # sorted, the searches walk the table forward: fewer cache misses
            order = np.argsort(maybe)
            j = np.empty(len(maybe), np.intp)
            j[order] = np.searchsorted(self._sorted, maybe[order])
        j[j == len(self._sorted)] = 0
        ok = self._sorted[j] == maybe
        at, j = at[ok], j[ok]
        word = self._word[j]
        pair = at >= n
        places = starts[np.where(pair, at - n, at)]
        mine = self._pair[word] == pair
        if self._shared is None:
            return word[mine], places[mine]
        shared = self._shared[j]
        words, out = word[mine & ~shared].tolist(), places[mine & ~shared].tolist()
        for h, is_pair, place in zip(both[at[shared]].tolist(), pair[shared].tolist(), places[shared].tolist()):
            for i in self._all[h]:
                if self._pair[i] == is_pair:
                    words.append(i)
                    out.append(place)
        return np.array(words, np.intp), np.array(out, np.intp)
