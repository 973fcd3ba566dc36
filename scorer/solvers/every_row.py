"""The rank counts' common kernel: every country of a draw in one sort of small integer keys.

Per draw, each country's rank is its place in a sort of its score; the counts
of each country at each place, summed over the draws, are the rank counts
(:class:`scorer.solvers.rank_counts.RankCounts`). This kernel makes that sort
and that count as cheap as NumPy allows:

- The key of a country packs its score, rounded down to a grid, above its
  distinct row's index (the code). Up to 256 countries the key is an int32
  (its sort takes half the time of an int64's): the score on a grid of 2**23
  steps over the range of the values, the code in the low 8 bits. Weights sum
  to 1, so one matrix product with the values moved and scaled onto the grid
  gives every position (with a mask, or perturbed values, the grid spans each
  draw's scores). Past 256 countries the key is an int64: the float64 bits of
  the score rounded to ``TIE_DECIMALS`` decimals (whole numbers below 2**40,
  whose low 12 bits are zero), the code in those.
- A repeated row (several countries with the same criterion scores) is a
  column per country with the same score and the same code, so its keys are
  equal and sit together; only different rows have different keys.
- Two neighbours in a sorted draw whose keys differ by less than ``near``
  without being equal may hold a tie (equal rounded scores: a shared rank) or
  scores too close for the grid. Such a draw is not counted here: it is kept
  and counted by :meth:`RankCounts.add_exact`, which resolves ties along the
  exact rounded scores (441 of 100,000 draws on the demo). In every
  other draw the ranks are the places: the order of the keys is the order of
  the rounded scores, and a country's rank is the number of countries after
  its row's last place.
- The counts per place and row are added in place (``np.add.at``). A row
  repeated ``m`` times is counted at each of its ``m`` consecutive places;
  :meth:`EveryRow.flush` turns that back into the count at its last place
  (``total[q] = sum(last[q : q + m])`` is solved from the top) and into ranks.
- The central weights add each draw's weights to the rows whose last place is
  among the last K (a spare row takes the other places, and the draws left to
  the exact count).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from scorer.core.aggregation import weighted_sums
from scorer.core.ranking import TIE_DECIMALS

if TYPE_CHECKING:
    from scorer.solvers.rank_counts import RankCounts

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

NARROW_ROWS = 256
"""Up to this many countries the keys are int32 (8 bits of code); past it, int64."""
FLOAT_KEY_BITS = 12
"""Code bits of float-bit keys: whole float64 numbers below 2**40 end in at least 12 zero bits (4,096 rows)."""
_GRID = float(1 << 31)
"""The int32 keys' range: the score grid (2**23 steps) times 256 codes."""
_MARGIN = 1 / 64
"""Share of the scores' span added below and above it, so that rounding never leaves the grid."""
SCALE = 10.0**TIE_DECIMALS
"""Scores times this, rounded, are the whole numbers that decide ties (``TIE_DECIMALS`` decimals)."""
_MIN_EXTENT = float(1 << 23) * 4 / SCALE
"""The grid's smallest extent: a step of 4e-12, so that scores equal to 12 decimals are at most a step apart."""


class EveryRow:
    """Rank counts per place and distinct row over the chunks it can count; the rest go to the owner's exact count."""

    def __init__(self, owner: RankCounts):
        n, size = owner.n, owner.size
        self.owner, self.n, self.size = owner, n, size
        repeats = np.setdiff1d(np.arange(n), owner.items)
        self.column_row = np.concatenate([np.arange(size), owner.inverse[repeats]])
        """The distinct row of each sorted column: the rows themselves, then one column per repeat."""
        self.mult = np.bincount(self.column_row, minlength=size)
        self.narrow = n <= NARROW_ROWS
        bits = 8 if self.narrow else FLOAT_KEY_BITS
        self.low = (1 << bits) - 1
        self.near = (2 << bits) if self.narrow else (1 << bits)
        """Key gaps from 1 to ``near - 1`` may hide a tie (int32: one grid step apart; int64: equal scores)."""
        self.codes = self.column_row.astype(np.int32 if self.narrow else np.int64)
        self.spare = size
        """A row number after the last: the cells of draws left to the exact count, of repeats not last in the top K."""
        self.by_place = np.zeros(n * (size + 1), dtype=np.int64)
        """Counts per (place, row or spare), places ascending."""
        self.place_start = np.zeros(0, dtype=self.codes.dtype)
        """``place * (size + 1)`` for every cell of the largest chunk so far (a full array adds faster)."""
        self.code_rows = np.zeros((0, n), dtype=self.codes.dtype)
        """The codes, one row per draw of the largest chunk so far."""
        values = owner.vi[self.column_row]
        # Weights sum to 1, so w @ ((values - start) * per_unit).T is (score - start) * per_unit: the grid positions.
        start, per_unit = _grid(np.array([values.min()]), np.array([values.max()]))
        self.on_grid = (values - start) * per_unit
        self.pending: list[tuple[FloatArray, FloatArray | None]] = []
        self.pending_draws = 0

    @classmethod
    def of(cls, owner: RankCounts) -> EveryRow | None:
        """The kernel for these counts, or None where it does not apply (tiers by score, many countries)."""
        if owner.by_score or not owner.dense or (owner.n - 1).bit_length() > FLOAT_KEY_BITS:
            return None
        return cls(owner)

    def add(self, w: FloatArray, values: FloatArray | None) -> None:
        """Count a chunk; its draws where two rows may tie are kept for the exact count."""
        c, n = len(w), self.n
        if len(self.place_start) < c * n:
            self.place_start = np.tile(np.arange(n, dtype=self.codes.dtype) * (self.size + 1), c)
            self.code_rows = np.tile(self.codes, (c, 1))
        key = self.keys(w, values)
        key.sort(axis=1)  # ascending: the best last
        flat = key.reshape(-1)
        gap = np.subtract(flat[1:], flat[:-1], out=self.owner.buffer("key_gap", (len(flat) - 1,), flat.dtype.type))
        gap -= 1
        unsigned = gap.view(np.uint32 if self.narrow else np.uint64)
        near = np.less(unsigned, self.near - 1, out=self.owner.buffer("key_near", gap.shape, np.bool_))
        bad = np.flatnonzero(near) // n
        if self.narrow and key[:, 0].min() < 0:  # a score off the grid (or not a number) sorts first
            bad = np.concatenate([bad, np.flatnonzero(key[:, 0] < 0)])
        if len(bad):
            bad = np.unique(bad) if len(bad) > 1 else bad
            self.keep(w[bad], None if values is None else values[bad])
        self.count(w, key, bad)
        if self.pending_draws >= c:
            self.count_pending()

    def keys(self, w: FloatArray, values: FloatArray | None) -> NDArray[Any]:
        """The chunk's unsorted keys, ``(draws, n)``: the score on the grid, the row's code in the low bits."""
        own, c, size = self.owner, len(w), self.size
        s = own.buffer("every", (c, self.n), np.float64)
        if self.narrow and own.mi is None and values is None:
            weighted_sums(w, self.on_grid, None, out=s)
        else:
            if own.mi is None and values is None:
                weighted_sums(w, own.vi, None, out=s[:, :size])  # the product writes rows of a wider array directly
            else:
                s[:, :size] = own.scores(w, values)
            np.take(s, self.column_row[size:], axis=1, out=s[:, size:])
            if self.narrow:
                start, per_unit = _grid(s.min(axis=1), s.max(axis=1))
                s -= start[:, None]
                s *= per_unit[:, None]
            else:
                np.multiply(s, SCALE, out=s)
                np.rint(s, out=s)
        if not self.narrow:
            key64 = s.view(np.int64)
            key64 |= self.code_rows[:c]
            return key64
        key = own.buffer("key32", (c, self.n), np.int32)
        with np.errstate(invalid="ignore"):
            np.copyto(key, s, casting="unsafe")  # off the grid or NaN: the most negative int32
        key &= np.int32(~self.low)
        key |= self.code_rows[:c]
        return key

    def count(self, w: FloatArray, key: NDArray[Any], bad: IntArray) -> None:
        """Add a sorted chunk but its ``bad`` draws: central weights of the rows in the top K, one per place and row."""
        own, n, c, size = self.owner, self.n, len(w), self.size
        k = min(own.top_k, n)
        top = key[:, n - k :]
        last = np.empty((c, k), dtype=np.bool_)  # a row's last place: the key changes after it
        np.not_equal(top[:, :-1], top[:, 1:], out=last[:, :-1])
        last[:, -1] = True
        code = np.bitwise_and(key, self.low, out=key)
        code[bad] = self.spare
        top_rows = code[:, n - k :].astype(np.intp)
        if not last.all():
            top_rows[~last] = self.spare
        part = np.zeros((own.k_criteria, size + 1))
        for j, row in enumerate(np.repeat(w.T, k, axis=1)):
            np.add.at(part[j], top_rows.reshape(-1), row)
        own.central += part[:, :size].T
        code += self.place_start[: c * n].reshape(c, n)
        index = code
        if code.dtype != np.intp:  # ufunc.at's fast way takes intp indices
            index = own.buffer("flat", (c, n), np.intp)
            np.copyto(index, code)
        np.add.at(self.by_place, index.reshape(-1), 1)
        own.draws += c - len(bad)

    def keep(self, w: FloatArray, values: FloatArray | None) -> None:
        """Keep draws for the exact count (copies, taken by fancy indexing: the chunk's arrays are reused)."""
        self.pending.append((w, values))
        self.pending_draws += len(w)

    def count_pending(self) -> None:
        """Count the kept draws exactly, in one call."""
        if not self.pending:
            return
        w = np.concatenate([p[0] for p in self.pending])
        parts = [p[1] for p in self.pending]
        values = None if parts[0] is None else np.concatenate([p for p in parts if p is not None])
        self.pending, self.pending_draws = [], 0
        self.owner.add_exact(w, values)

    def flush(self) -> None:
        """Count the kept draws, then move the counts per place into the owner's rank counts (rank ``n - 1 - last``)."""
        self.count_pending()
        n, size = self.n, self.size
        placed = self.by_place.reshape(n, size + 1)[:, :size]
        last = placed.copy()
        for m in np.unique(self.mult[self.mult > 1]):
            rows = np.flatnonzero(self.mult == m)
            # placed[q] = last[q] + ... + last[q + m - 1], so last[q] = sum over t >= 0 of (placed[q + t m] -
            # placed[q + t m + 1]): a running sum from the top along each residue of q modulo m.
            step = placed[:, rows].copy()
            step[:-1] -= placed[1:, rows]
            for r in range(int(m)):
                lane = step[r::m][::-1]
                step[r::m] = np.cumsum(lane, axis=0)[::-1]
            last[:, rows] = step
        self.owner.counts += last[::-1].T.reshape(-1)
        self.by_place[:] = 0


def _grid(low: FloatArray, high: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The int32 grid's start and its positions per unit of score (times the 256 codes), per ``low`` and ``high``.

    The grid spans the scores with a margin; its step is at least 4e-12, so
    scores equal to ``TIE_DECIMALS`` decimals are at most one step apart, and two
    steps apart means different rounded scores in the same order.
    """
    span = high - low
    extent = np.maximum(span * (1 + 2 * _MARGIN), _MIN_EXTENT)
    return low - _MARGIN * span, _GRID / extent
