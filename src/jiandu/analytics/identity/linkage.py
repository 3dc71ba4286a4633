"""Probabilistic record linkage (Fellegi–Sunter) on DuckDB.

Two record tables (or one, to find its duplicates) are linked in five steps:

1. **Blocking.** Candidate pairs are the union of the pairs that agree on every key of at
   least one blocking rule (`Block`: SQL expressions over one record, e.g. the birth
   date; the surname and the first letter of the given name; the postcode and the street
   number). A key that is NULL never agrees.
2. **Comparison.** Each `Comparison` puts a pair at one of its levels, from the most
   similar (exact agreement) down to "everything else", or at the null level when a value
   is missing, which says nothing either way. Levels are SQL conditions over `l` and `r`
   (the two records): equality, Jaro–Winkler thresholds, edit distances, a date with one
   digit changed or two digits transposed.
3. **u probabilities** (how often a level occurs between two different records) are
   counted on random record pairs, drawn with a fixed seed (all pairs of small tables):
   almost all of them are non-matches.
4. **m probabilities** (how often a level occurs between two records of the same entity)
   and the share of matches among the candidate pairs are estimated by
   expectation-maximisation over the candidate pairs, with u held fixed.
5. **Scoring.** A pair's match weight is log2 of the prior odds that two records taken
   at random match (the matches EM expects among the candidates, over all record pairs)
   plus, for each comparison, log2(m/u) of its level; its probability is
   2^w / (1 + 2^w). The prior ignores that blocking brought the pair together, so the
   comparisons alone must make the case: a small table whose candidates are nearly all
   matches (where EM cannot tell the two kinds apart) links nothing on thin evidence.
   Pairs at or above the threshold are matches; with `one_to_one`, a record is linked
   to one record of the other table at most, taken greedily by descending probability
   (for two sources that are each free of duplicates).

Everything is deterministic: the random pairs come from a seeded generator, EM starts
from fixed values, and ties are broken by record id.
"""

# SQL here is composed of identifiers and expressions given by the caller (the linkage
# settings); no value of a record is ever spliced into a statement.
# ruff: noqa: S608

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

NULL_LEVEL = -1
_EPSILON = 1e-6  # floor of an m or u probability: no level is ever impossible


def _col(side: str, column: str) -> str:
    return f'{side}."{column}"'


@dataclass(frozen=True)
class Comparison:
    """The levels of one comparison, most similar first.

    `levels` are (label, SQL condition over `l` and `r`); the first that holds is the
    pair's level, and a pair meeting none is at the last level, "else". `null` is the
    condition under which the comparison is left out of the pair's weight.
    """

    name: str
    levels: tuple[tuple[str, str], ...]
    null: str

    @property
    def labels(self) -> tuple[str, ...]:
        return (*(label for label, _ in self.levels), "else")

    @property
    def size(self) -> int:
        return len(self.levels) + 1

    def case(self) -> str:
        whens = " ".join(f"WHEN {cond} THEN {i}" for i, (_, cond) in enumerate(self.levels))
        return f"CASE WHEN {self.null} THEN {NULL_LEVEL} {whens} ELSE {len(self.levels)} END"


def _null(*columns: str) -> str:
    return " OR ".join(f"{_col(s, c)} IS NULL" for c in columns for s in ("l", "r"))


def exact(column: str, name: str | None = None) -> Comparison:
    """Agree or not."""
    cond = f"{_col('l', column)} = {_col('r', column)}"
    return Comparison(name or column, (("exact", cond),), _null(column))


def similar(
    column: str,
    thresholds: Sequence[float] = (0.92, 0.8),
    *,
    swapped: str | None = None,
    name: str | None = None,
) -> Comparison:
    """Text: exact, then Jaro–Winkler similarity at or above each threshold. With
    `swapped`, a further level for a value written in that other column of the other
    record (a given name entered as surname), at the first threshold."""
    left, right = _col("l", column), _col("r", column)
    levels = [("exact", f"{left} = {right}")]
    levels += [
        (f"jaro_winkler>={t}", f"jaro_winkler_similarity({left}, {right}) >= {t}")
        for t in thresholds
    ]
    if swapped is not None:
        t = thresholds[0] if thresholds else 1.0
        other_l, other_r = _col("l", swapped), _col("r", swapped)
        levels.append(
            (
                f"swapped_with_{swapped}",
                f"(jaro_winkler_similarity({left}, {other_r}) >= {t}"
                f" OR jaro_winkler_similarity({other_l}, {right}) >= {t})",
            )
        )
    return Comparison(name or column, tuple(levels), _null(column))


def near(column: str, distances: Sequence[int] = (1,), name: str | None = None) -> Comparison:
    """Codes and numbers written as text: exact, then Levenshtein distance at most each
    distance (a digit mistyped, dropped or added)."""
    left, right = _col("l", column), _col("r", column)
    levels = [("exact", f"{left} = {right}")]
    levels += [(f"levenshtein<={d}", f"levenshtein({left}, {right}) <= {d}") for d in distances]
    return Comparison(name or column, tuple(levels), _null(column))


def date(column: str, name: str | None = None) -> Comparison:
    """A date (DATE or text): exact, then one digit changed or two adjacent digits
    transposed (Damerau–Levenshtein distance 1 on its text), then the same year."""
    left = f"CAST({_col('l', column)} AS VARCHAR)"
    right = f"CAST({_col('r', column)} AS VARCHAR)"
    levels = (
        ("exact", f"{left} = {right}"),
        ("one_edit", f"damerau_levenshtein({left}, {right}) <= 1"),
        ("same_year", f"substr({left}, 1, 4) = substr({right}, 1, 4)"),
    )
    return Comparison(name or column, levels, _null(column))


@dataclass(frozen=True)
class Block:
    """A blocking rule: pairs whose records agree on every key (SQL over one record).

    A key may be `unnest(list)` to give a record several values (the readings of a
    romanized name); a pair agrees when any of them agrees.
    """

    keys: tuple[str, ...]

    @classmethod
    def on(cls, *keys: str) -> Block:
        return cls(tuple(keys))


@dataclass(frozen=True)
class Settings:
    """How to link: the comparisons, the blocking rules (their union gives the candidate
    pairs), the probability a match needs, and the estimation's knobs."""

    comparisons: tuple[Comparison, ...]
    blocking: tuple[Block, ...]
    threshold: float = 0.5
    one_to_one: bool = False
    # SQL over `l` and `r`: a candidate pair meeting it is never a match (two different
    # valid identifiers) and is left out.
    never: str | None = None
    u_pairs: int = 200_000  # random record pairs the u probabilities are counted on
    seed: int = 42
    pseudo_pairs: float = 1.0  # weight of EM's starting m (see expectation_maximisation)
    max_iterations: int = 100
    tolerance: float = 1e-6  # EM stops when no parameter moves more than this


@dataclass(frozen=True)
class Model:
    """The estimated parameters: per comparison, m and u of each level."""

    m: tuple[Floats, ...]
    u: tuple[Floats, ...]
    # That a pair matches before its comparisons are seen: in EM, the share of matches
    # among the candidate pairs; in a `Linkage`, that two records taken at random match.
    prior: float
    iterations: int

    def weights(self) -> list[Floats]:
        """log2(m/u) per comparison and level, with a leading 0 for the null level."""
        return [
            np.concatenate(([0.0], np.log2(m / u))) for m, u in zip(self.m, self.u, strict=True)
        ]

    def match_weight(self, gamma: Ints) -> Floats:
        """The match weight of each row of levels (one column per comparison)."""
        total = np.full(gamma.shape[0], math.log2(self.prior / (1 - self.prior)))
        for k, table in enumerate(self.weights()):
            total += table[gamma[:, k] + 1]
        return total


@dataclass(frozen=True)
class _Sources:
    left: str
    right: str
    id_column: str
    dedupe: bool


@dataclass(frozen=True)
class Match:
    left: str
    right: str
    probability: float
    weight: float


@dataclass
class Linkage:
    """What a run found, and with what it found it. `model.prior` is the probability
    that two records taken at random match, the prior of the scores."""

    model: Model
    candidates: int  # pairs compared after blocking
    match_share: float  # EM's share of matches among them
    matches: list[Match] = field(default_factory=list)


def _keys(block: Block, table: str, id_column: str) -> str:
    keys = ", ".join(f"({k}) AS k{i}" for i, k in enumerate(block.keys))
    present = " AND ".join(f"k{i} IS NOT NULL" for i in range(len(block.keys)))
    return f'SELECT * FROM (SELECT "{id_column}" AS id, {keys} FROM {table}) WHERE {present}'


def _candidates_sql(
    blocking: Sequence[Block], left: str, right: str, id_column: str, dedupe: bool
) -> str:
    rules = []
    for block in blocking:
        on = " AND ".join(f"a.k{i} = b.k{i}" for i in range(len(block.keys)))
        where = " WHERE a.id < b.id" if dedupe else ""
        rules.append(
            f"SELECT a.id AS l, b.id AS r FROM ({_keys(block, left, id_column)}) a "
            f"JOIN ({_keys(block, right, id_column)}) b ON {on}{where}"
        )
    return " UNION ".join(rules)


def _gamma_sql(
    comparisons: Sequence[Comparison],
    pairs: str,
    src: _Sources,
    never: str | None = None,
) -> str:
    cases = ", ".join(f"{c.case()} AS g{k}" for k, c in enumerate(comparisons))
    key = src.id_column
    where = f" WHERE NOT coalesce({never}, false)" if never else ""
    return (
        f"SELECT p.l, p.r, {cases} FROM {pairs} p "
        f'JOIN {src.left} l ON l."{key}" = p.l JOIN {src.right} r ON r."{key}" = p.r'
        f"{where} ORDER BY p.l, p.r"
    )


def _gamma(
    con: duckdb.DuckDBPyConnection, sql: str, size: int
) -> tuple[list[str], list[str], Ints]:
    rows = con.execute(sql).fetchnumpy()
    gamma = np.column_stack([np.asarray(rows[f"g{k}"], dtype=np.int64) for k in range(size)])
    return [str(x) for x in rows["l"]], [str(x) for x in rows["r"]], gamma.reshape(-1, size)


def _ids(con: duckdb.DuckDBPyConnection, table: str, id_column: str) -> list[str]:
    rows = con.execute(f'SELECT "{id_column}" FROM {table} ORDER BY 1').fetchall()
    return [str(r[0]) for r in rows]


def _random_pairs(
    left_ids: list[str], right_ids: list[str], n: int, seed: int, dedupe: bool
) -> pa.Table:
    """`n` record pairs drawn with a fixed seed, or every pair when there are no more."""
    total = len(left_ids) * len(right_ids)
    if total <= n:
        a, b = np.divmod(np.arange(total, dtype=np.int64), len(right_ids))
    else:
        rng = np.random.default_rng(seed)
        a = rng.integers(0, len(left_ids), size=n)
        b = rng.integers(0, len(right_ids), size=n)
    if dedupe:
        keep = a != b
        a, b = a[keep], b[keep]
    return pa.table(
        {"l": [left_ids[i] for i in a], "r": [right_ids[i] for i in b]},
        schema=pa.schema([("l", pa.string()), ("r", pa.string())]),
    )


def level_frequencies(
    gamma: Ints,
    sizes: Sequence[int],
    weights: Floats | None = None,
    *,
    pseudo: Sequence[Floats] | None = None,
) -> list[Floats]:
    """Per comparison, the (weighted) share of each level among the pairs where it is
    not null, plus the pseudo-counts of `pseudo` if given; no share falls below the
    floor."""
    w = np.ones(gamma.shape[0]) if weights is None else weights
    out = []
    for k, size in enumerate(sizes):
        counts = np.bincount(gamma[:, k] + 1, weights=w, minlength=size + 1)[1:].astype(float)
        if pseudo is not None:
            counts = counts + pseudo[k]
        total = counts.sum()
        freq = counts / total if total > 0 else np.full(size, 1.0 / size)
        freq = np.maximum(freq, _EPSILON)
        out.append(freq / freq.sum())
    return out


def initial_m(sizes: Sequence[int]) -> list[Floats]:
    """Where EM starts: matches mostly agree, so the first level has 0.9 and the others
    share the rest, less the further down."""
    out = []
    for size in sizes:
        rest = np.arange(size - 1, 0, -1, dtype=np.float64)
        m = np.concatenate(([0.9], 0.1 * rest / rest.sum())) if size > 1 else np.ones(1)
        out.append(m)
    return out


def expectation_maximisation(
    gamma: Ints,
    u: Sequence[Floats],
    *,
    prior: float = 0.1,
    pseudo_pairs: float = 1.0,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
) -> Model:
    """m per level and the share of matches, from the levels of the candidate pairs
    (one row per pair) with u fixed.

    Runs on the distinct rows of levels and their counts, so its cost does not grow with
    the number of pairs. The starting m (`initial_m`) also counts as `pseudo_pairs`
    matching pairs in every M step, which keeps the estimates of a small table from
    running to 0 or 1 and is negligible on a large one.
    """
    sizes = [len(x) for x in u]
    start = initial_m(sizes)
    pseudo = [pseudo_pairs * m for m in start]
    patterns, counts = np.unique(gamma.reshape(-1, len(sizes)), axis=0, return_counts=True)
    counts = counts.astype(np.float64)
    model = Model(tuple(start), tuple(u), prior, 0)
    if counts.sum() == 0:
        return model
    for iteration in range(1, max_iterations + 1):
        p = probabilities(model.match_weight(patterns))
        matched = counts * p
        m = level_frequencies(patterns, sizes, matched, pseudo=pseudo)
        share = float(np.clip(matched.sum() / counts.sum(), _EPSILON, 1 - _EPSILON))
        moved = max(
            abs(share - model.prior),
            *(float(np.abs(a - b).max()) for a, b in zip(m, model.m, strict=True)),
        )
        model = Model(tuple(m), tuple(u), share, iteration)
        if moved < tolerance:
            break
    return model


def probabilities(weight: Floats) -> Floats:
    return 1.0 / (1.0 + np.exp2(-weight))


def one_to_one(matches: Sequence[Match]) -> list[Match]:
    """Greedy: the most probable pairs first; a record already linked is skipped."""
    taken_left: set[str] = set()
    taken_right: set[str] = set()
    out = []
    for match in sorted(matches, key=lambda x: (-x.probability, x.left, x.right)):
        if match.left in taken_left or match.right in taken_right:
            continue
        taken_left.add(match.left)
        taken_right.add(match.right)
        out.append(match)
    return out


def _u(
    con: duckdb.DuckDBPyConnection, settings: Settings, src: _Sources
) -> tuple[list[Floats], int]:
    """u of every level, counted on random record pairs, and the number of record pairs."""
    left_ids = _ids(con, src.left, src.id_column)
    right_ids = left_ids if src.dedupe else _ids(con, src.right, src.id_column)
    sample = _random_pairs(left_ids, right_ids, settings.u_pairs, settings.seed, src.dedupe)
    con.register("_jd_link_sample", sample)
    try:
        sql = _gamma_sql(settings.comparisons, "_jd_link_sample", src)
        _l, _r, gamma = _gamma(con, sql, len(settings.comparisons))
    finally:
        con.unregister("_jd_link_sample")
    n = len(left_ids)
    pairs = n * (n - 1) // 2 if src.dedupe else n * len(right_ids)
    # Half a pair at every level: a level no random pair reached is rare, not impossible.
    half = [np.full(c.size, 0.5) for c in settings.comparisons]
    return level_frequencies(gamma, [c.size for c in settings.comparisons], pseudo=half), pairs


def _candidates(
    con: duckdb.DuckDBPyConnection, settings: Settings, src: _Sources
) -> tuple[list[str], list[str], Ints]:
    """The candidate pairs of the blocking rules and their levels."""
    pairs = _candidates_sql(settings.blocking, src.left, src.right, src.id_column, src.dedupe)
    sql = _gamma_sql(settings.comparisons, f"({pairs})", src, settings.never)
    return _gamma(con, sql, len(settings.comparisons))


def link(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    left: str,
    right: str | None = None,
    *,
    id_column: str = "id",
) -> Linkage:
    """Link the records of `left` to those of `right`, or find the duplicates within
    `left` when `right` is None. Each is a table or view name (quoted if need be) or a
    parenthesised query with an id column of that name, unique within it, and the
    columns the settings name."""
    src = _Sources(left, left if right is None else right, id_column, right is None)
    u, record_pairs = _u(con, settings, src)
    lefts, rights, gamma = _candidates(con, settings, src)
    trained = expectation_maximisation(
        gamma,
        u,
        pseudo_pairs=settings.pseudo_pairs,
        max_iterations=settings.max_iterations,
        tolerance=settings.tolerance,
    )
    # The matches EM expects among the candidates, over every pair of records.
    expected = trained.prior * len(lefts)
    prior = min(max(expected / max(record_pairs, 1), _EPSILON**2), 0.5)
    model = replace(trained, prior=prior)
    weight = model.match_weight(gamma)
    probability = probabilities(weight)
    keep = np.flatnonzero(probability >= settings.threshold)
    matches = [Match(lefts[i], rights[i], float(probability[i]), float(weight[i])) for i in keep]
    if settings.one_to_one:
        matches = one_to_one(matches)
    matches.sort(key=lambda x: (x.left, x.right))
    return Linkage(model, len(lefts), trained.prior, matches)
