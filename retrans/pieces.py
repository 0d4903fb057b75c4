"""Which of many ASCII words occur in a document, without a Python object per word of it.

A document is seen through :func:`ascii_view`: one byte per character, ASCII letters and digits
lower-cased, every other character a space. Its *pieces* are the runs of non-spaces. numpy hashes
every piece at once (a polynomial hash modulo 2⁶⁴, from prefix sums) and looks the hashes up in
the sorted hashes of the wanted words: a handful of array operations per document, where
splitting it into words costs one object per word. A hash collision only gives a false
candidate, which the caller checks against the text anyway.
"""

from __future__ import annotations

import numpy as np

_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789"
_TABLE = bytes(c if c in _WORD_BYTES else (c + 32 if 65 <= c <= 90 else 32) for c in range(256))
_BASE = 0x100000001B3  # odd, so invertible modulo 2⁶⁴
_BASE_INV = pow(_BASE, -1, 1 << 64)
_SHIFT = np.uint64(41)  # 2²³ bits of bitmap: 1 MiB
_PAIR = np.uint64(0x9E3779B97F4A7C15)  # mixes the hash of a first piece with the next one's
_U64 = np.uint64


def ascii_view(text: str) -> bytes:
    """``text`` as bytes, one per character, between two spaces: ASCII letters and digits lower-cased,
    everything else (punctuation, spaces, any non-ASCII character) a space. Offsets are ``+ 1``."""
    return b" " + text.encode("latin-1", "replace").translate(_TABLE) + b" "


def ascii_key(key: str) -> bytes:
    """A folded key as :func:`ascii_view` shows it where it occurs (no padding)."""
    return key.encode("latin-1", "replace").translate(_TABLE)


class _Powers:
    """``base^i`` and ``base^-i`` modulo 2⁶⁴ for ``i < len``, grown on demand."""

    def __init__(self) -> None:
        self.up = self.down = np.ones(0, _U64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up), 4096)
            one = np.ones(1, _U64)
            self.up = np.concatenate((one, np.cumprod(np.full(size - 1, _BASE, _U64))))
            self.down = np.concatenate((one, np.cumprod(np.full(size - 1, _BASE_INV, _U64))))
        return self.up, self.down


_POWERS = _Powers()


def piece_hashes(view: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, hashes)`` of the pieces of ``view`` (a space-padded :func:`ascii_view`)."""
    a = np.frombuffer(view, np.uint8)
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


class PieceSet:
    """A fixed set of ASCII words (lower-case letters and digits) and word pairs (two words joined by a
    space), found among a document's pieces and pairs of consecutive pieces."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        parts = [w.split(" ") for w in words]
        flat = [p for ps in parts for p in ps]
        if not all(flat) or any(len(ps) > 2 for ps in parts):
            raise ValueError("PieceSet words must be runs of ASCII letters and digits, alone or in pairs")
        hashes = piece_hashes(ascii_view(" ".join(flat)))[1] if flat else np.zeros(0, _U64)
        if len(hashes) != len(flat):
            raise ValueError("PieceSet words must be runs of ASCII letters and digits, alone or in pairs")
        first = np.cumsum([0, *map(len, parts)])[:-1]
        pair = np.array([len(ps) == 2 for ps in parts], bool)
        own = hashes[first] if len(words) else hashes
        if pair.any():
            own = own.copy()
            own[pair] = pair_hashes(hashes)[first[pair]]
        self._hashes, index, inverse = np.unique(own, return_index=True, return_inverse=True)
        # one word per hash, but for a collision among the words themselves
        self._groups: list[list[int]] = [[int(i)] for i in index.tolist()]
        if len(index) != len(words):
            self._groups = [[] for _ in index]
            for i, g in enumerate(inverse.tolist()):
                self._groups[g].append(i)
        self._lookup = dict(zip(self._hashes.tolist(), self._groups))
        # A bitmap of the top bits of the hashes, small enough to stay in cache, turns most pieces
        # away before a dictionary lookup.
        top = self._hashes >> _SHIFT
        self._bitmap = np.zeros(1 << (64 - int(_SHIFT) - 6), _U64)
        np.bitwise_or.at(self._bitmap, top >> _U64(6), np.left_shift(_U64(1), top & _U64(63)))

    def found(self, hashes: np.ndarray, pairs: np.ndarray) -> list[int]:
        """Indexes into ``words`` of the words that may be among a document's pieces (``hashes``, from
        :func:`piece_hashes`) and pairs of pieces (``pairs``, from :func:`pair_hashes`): a hash
        collision can add one that is not there."""
        if not self._lookup:
            return []
        both = np.concatenate((hashes, pairs))
        top = both >> _SHIFT
        maybe = both[(self._bitmap[top >> _U64(6)] >> (top & _U64(63))) & _U64(1) != 0]
        lookup = self._lookup
        out: list[int] = []
        for h in set(maybe.tolist()):
            group = lookup.get(h)
            if group is not None:
                out += group
        return out
