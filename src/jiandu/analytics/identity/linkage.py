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
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from . import names
from .steps import Ambiguity, Link

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


# --- The persons register ----------------------------------------------------------

PERSON_COMPARISONS = (
    Comparison(
        "name",
        (
            ("exact", "l.name_zh = r.name_zh"),
            (
                "romanized",
                "(l.name_zh IS NULL OR r.name_zh IS NULL)"
                " AND list_has_any(l.name_keys, r.name_keys)",
            ),
            ("homophone", "list_has_any(l.name_keys, r.name_keys)"),
            ("one_character", "levenshtein(l.name_zh, r.name_zh) <= 1"),
            ("jaro_winkler>=0.9", "jaro_winkler_similarity(l.name_py, r.name_py) >= 0.9"),
        ),
        _null("name_py"),
    ),
    date("birth", name="birth_date"),
    exact("gender"),
    Comparison(
        "region_code",
        (
            ("exact", "l.region = r.region"),
            ("same_city", "substr(l.region, 1, 4) = substr(r.region, 1, 4)"),
        ),
        _null("region"),
    ),
    Comparison(
        "id_number",
        (
            ("exact", "l.idn = r.idn"),
            ("one_edit", "damerau_levenshtein(l.idn, r.idn) <= 1"),
        ),
        _null("idn"),
    ),
    near("phone"),
    similar("address", (0.9, 0.8)),
)
PERSON_BLOCKING = (
    Block.on("birth", "unnest(initials)"),
    Block.on("unnest(name_keys)", "region"),
    Block.on("unnest(name_keys)", "year(birth)"),
    Block.on("phone"),
    Block.on("address"),
)
# Two records whose ID numbers are both valid and differ are two people, whatever else.
PERSON_NEVER = "l.idn_valid AND r.idn_valid AND l.idn != r.idn"

_PERSONS = """SELECT person_id, name, name_latin, address,
        CASE WHEN jd_idn_problem(id_number) IS NULL THEN id_number END AS valid,
        nullif(upper(regexp_replace(id_number, '\\s', '', 'g')), '') AS idn,
        coalesce(birth_date, CASE WHEN jd_idn_problem(id_number) IS NULL
            THEN try_strptime(substr(id_number, 7, 8), '%Y%m%d')::DATE END) AS birth,
        coalesce(gender, CASE WHEN jd_idn_problem(id_number) IS NULL
            THEN CASE WHEN try_cast(substr(id_number, 17, 1) AS INTEGER) % 2 = 1
                THEN 'M' ELSE 'F' END END) AS gender,
        coalesce(nullif(region_code, ''), CASE WHEN jd_idn_problem(id_number) IS NULL
            THEN substr(id_number, 1, 6) END) AS region,
        nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') AS phone
    FROM persons ORDER BY person_id"""

_PREPARED_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("name_zh", pa.string()),
        ("name_py", pa.string()),
        ("name_keys", pa.list_(pa.string())),
        ("initials", pa.list_(pa.string())),
        ("birth", pa.date32()),
        ("gender", pa.string()),
        ("region", pa.string()),
        ("idn", pa.string()),
        ("idn_valid", pa.bool_()),
        ("phone", pa.string()),
        ("address", pa.string()),
    ]
)
_PREPARED = tuple(_PREPARED_SCHEMA.names)


def _name_columns(name: str | None, latin: str | None) -> tuple[str | None, str | None, list[str]]:
    """A name as compared: its simplified characters (None for a romanized name), its
    reading, and every reading it and its romanized form can stand for."""
    written = name or ""
    zh = None if not written.strip() or names.is_romanized(written) else names.normalize(written)
    readings = list(names.keys(written))
    if latin:
        readings += [k for k in names.keys(latin) if k not in readings]
    return zh or None, readings[0] if readings else None, readings


def prepare_persons(con: duckdb.DuckDBPyConnection, table: str = "_jd_linkage_persons") -> str:
    """A temporary table of the `persons` register as the person step compares it: the
    name normalized (`names`), birth date, gender and region defaulting to what a valid
    ID number encodes, digits of the phone, the address normalized like a name."""
    rows = con.execute(_PERSONS).fetchall()
    columns: dict[str, list[Any]] = {c: [] for c in _PREPARED}
    for person, name, latin, address, valid, idn, birth, gender, region, phone in rows:
        zh, reading, readings = _name_columns(name, latin)
        values = (
            person,
            zh,
            reading,
            readings,
            sorted({k[0] for k in readings}),
            birth,
            gender,
            region,
            idn,
            valid is not None,
            phone,
            names.normalize(address) if address and address.strip() else None,
        )
        for column, value in zip(_PREPARED, values, strict=True):
            columns[column].append(value)
    con.register("_jd_linkage_rows", pa.table(columns, schema=_PREPARED_SCHEMA))
    try:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}" AS SELECT * FROM _jd_linkage_rows')
    finally:
        con.unregister("_jd_linkage_rows")
    return table


class _Components:
    """Groups of linked records and the valid ID numbers each holds."""

    def __init__(self, idents: dict[str, str]) -> None:
        self.parent: dict[str, str] = {}
        self.idents: dict[str, set[str]] = {r: {i} for r, i in idents.items()}

    def find(self, x: str) -> str:
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x

    def conflict(self, a: str, b: str) -> set[str]:
        """The ID numbers joining a and b would put in one group, if more than one."""
        both = self.idents.get(self.find(a), set()) | self.idents.get(self.find(b), set())
        return both if len(both) > 1 else set()

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.idents[ra] = self.idents.get(ra, set()) | self.idents.pop(rb, set())


class ProbabilisticPersonStep:
    """Person records the model finds to be one person with a probability at or above
    `threshold`: Fellegi–Sunter over `PERSON_COMPARISONS` (name, birth date, gender,
    region, ID number, phone, address) on the pairs of `PERSON_BLOCKING`, estimated on the
    warehouse's own `persons` table.

    Opt-in, after the deterministic steps:
    `resolve.resolve(con, [*default_steps(), ProbabilisticPersonStep()])`.

    Two records with different valid ID numbers are never linked, nor joined through a
    third: links are taken by descending probability, and one that would put two valid
    ID numbers in one group is left out and reported as an ambiguity.
    """

    kind = "person"
    name = "probabilistic"

    def __init__(self, threshold: float = 0.95, settings: Settings | None = None) -> None:
        base = settings or Settings(PERSON_COMPARISONS, PERSON_BLOCKING, never=PERSON_NEVER)
        self.settings = replace(base, threshold=threshold)
        self.linkage: Linkage | None = None
        self.ambiguities: list[Ambiguity] = []

    def links(self, con: duckdb.DuckDBPyConnection) -> list[Link]:
        table = prepare_persons(con)
        try:
            self.linkage = link(con, self.settings, f'"{table}"', id_column="person_id")
            idents = con.execute(
                f'SELECT person_id, idn FROM "{table}" WHERE idn_valid ORDER BY 1'
            ).fetchall()
        finally:
            con.execute(f'DROP TABLE IF EXISTS "{table}"')
        return self._consistent(self.linkage.matches, dict(idents))

    def _consistent(self, matches: Sequence[Match], idents: dict[str, str]) -> list[Link]:
        """The links that put no two valid ID numbers in one group. A record without one
        that matches records of several ID numbers is ambiguous: none of its links is
        kept. Of the rest, taken by descending probability, a link that would join two
        groups of different ID numbers is left out; both are reported."""
        ambiguous = _ambiguous(matches, idents)
        self.ambiguities = [
            Ambiguity("person", record, self.name, key, others)
            for record, (key, others) in sorted(ambiguous.items())
        ]
        groups = _Components(idents)
        out = []
        for m in sorted(matches, key=lambda x: (-x.probability, x.left, x.right)):
            if m.left in ambiguous or m.right in ambiguous:
                continue
            key = _key(m)
            conflict = groups.conflict(m.left, m.right)
            if conflict:
                record = m.right if m.right not in idents else m.left
                self.ambiguities.append(
                    Ambiguity("person", record, self.name, key, tuple(sorted(conflict)))
                )
                continue
            groups.union(m.left, m.right)
            out.append(Link("person", m.left, m.right, self.name, key))
        return sorted(out, key=lambda x: (x.left, x.right))


def _key(match: Match) -> str:
    return f"match_probability={match.probability:.3f}"


def _ambiguous(
    matches: Sequence[Match], idents: dict[str, str]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Records without a valid ID number that match records of several: for each, the
    key of its most probable match and the ID numbers."""
    partners: dict[str, set[str]] = {}
    best: dict[str, Match] = {}
    for m in matches:
        for record, other in ((m.left, m.right), (m.right, m.left)):
            if record not in idents and other in idents:
                partners.setdefault(record, set()).add(idents[other])
                if record not in best or m.probability > best[record].probability:
                    best[record] = m
    return {
        record: (_key(best[record]), tuple(sorted(ids)))
        for record, ids in partners.items()
        if len(ids) > 1
    }
