"""Identity normalizations: credit codes, names and the SQL form of the ID-number and
credit-code rules, as tables of cases and as properties."""

from __future__ import annotations

import datetime as dt
import unicodedata

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.analytics.identity import idnumber, names, sql, uscc

# --- unified social credit codes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("91110105MA01ABCD13", "91110105MA01ABCD13"),
        ("91110105ma01abcd13", "91110105MA01ABCD13"),  # lower case
        (" 9111 0105 MA01 ABCD13 ", "91110105MA01ABCD13"),  # spaces
        ("９１１１０１０５ＭＡ０１ＡＢＣＤ１３", "91110105MA01ABCD13"),  # full width
    ],
)
def test_valid_credit_codes_normalize(text: str, expected: str) -> None:
    assert uscc.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("91350100M000100Y44", "checksum"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100I000100Y43", "characters"),  # I is not used
        ("91350100O000100Y43", "characters"),
        ("", "length"),
    ],
)
def test_invalid_credit_codes_say_why(text: str, code: str) -> None:
    with pytest.raises(uscc.UsccError) as info:
        uscc.parse(text)
    assert info.value.code == code
    assert not uscc.is_valid(text)


codes17 = st.text(alphabet=uscc.CHARSET, min_size=17, max_size=17)


@given(codes17)
def test_a_code_with_its_check_character_is_valid(first17: str) -> None:
    code = first17 + uscc.check_character(first17)
    assert uscc.parse(code.lower()) == code


@given(codes17, st.sampled_from(uscc.CHARSET))
def test_any_other_check_character_is_refused(first17: str, other: str) -> None:
    if other != uscc.check_character(first17):
        assert not uscc.is_valid(first17 + other)


# --- the SQL macros state the same rules ----------------------------------------------------


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    sql.install(connection)
    return connection


def _sql_idn(con: duckdb.DuckDBPyConnection, text: str) -> tuple[str | None, str | None]:
    row = con.execute(
        "SELECT n, jd_idn_problem(n) FROM (SELECT jd_idn(jd_clean($t)) AS n)", {"t": text}
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def _python_idn(text: str) -> tuple[str | None, str | None]:
    try:
        return idnumber.parse(text).value, None
    except idnumber.IdNumberError as exc:
        return None, exc.code


dates = st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2025, 12, 31))
ids = st.builds(
    lambda region, born, seq: f"{region}{born:%Y%m%d}{seq:03d}",
    st.integers(110000, 659999).map(str),
    dates,
    st.integers(0, 999),
)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        ids.map(lambda s: s + idnumber.check_character(s)),  # valid
        ids.map(lambda s: s + "0"),  # mostly a wrong check character
        ids.map(lambda s: s[:6] + s[8:16]),  # 15 digits
        ids.map(lambda s: (s + idnumber.check_character(s)).lower()),
        ids.map(lambda s: unicodedata.normalize("NFKC", s).translate(_FULL_WIDTH) + "X"),
        st.text(alphabet="0123456789Xx ", max_size=20),
    )
)
def test_sql_and_python_agree_on_id_numbers(con: duckdb.DuckDBPyConnection, text: str) -> None:
    normalized, problem = _sql_idn(con, text)
    expected, expected_problem = _python_idn(text)
    if not idnumber.clean(text):
        return  # empty: NULL in SQL, no number at all
    assert problem == expected_problem
    if expected is not None:
        assert normalized == expected


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        codes17.map(lambda s: s + uscc.check_character(s)),
        codes17.map(lambda s: s + "0"),
        st.text(alphabet=uscc.CHARSET + "IOSVZ", min_size=16, max_size=19),
    )
)
def test_sql_and_python_agree_on_credit_codes(con: duckdb.DuckDBPyConnection, text: str) -> None:
    row = con.execute("SELECT jd_uscc_problem(jd_clean($t))", {"t": text}).fetchone()
    assert row is not None
    try:
        uscc.parse(text)
        expected = None
    except uscc.UsccError as exc:
        expected = exc.code
    assert row[0] == expected


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("张伟", "张伟"),
        ("張偉", "张伟"),  # traditional to simplified
        ("张 伟", "张伟"),  # spaces removed
        (" 张\u3000伟 ", "张伟"),  # ideographic space
        ("ＺＨＡＮＧ　Ｗｅｉ", "zhangwei"),  # full width to half width
        ("歐陽修", "欧阳修"),
        ("阿卜杜•热合曼", "阿卜杜·热合曼"),  # interpunct variants
        ("阿卜杜・热合曼", "阿卜杜·热合曼"),
    ],
)
def test_normalize(text: str, normalized: str) -> None:
    assert names.normalize(text) == normalized


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("曾小明", "zengxiaoming"),  # not ceng
        ("单田芳", "shantianfang"),  # not dan
        ("單田芳", "shantianfang"),
        ("解缙", "xiejin"),  # not jie
        ("仇英", "qiuying"),  # not chou
        ("区志强", "ouzhiqiang"),  # not qu
        ("朴树", "piaoshu"),  # not pu
        ("查良镛", "zhaliangyong"),  # not cha
        ("欧阳修", "ouyangxiu"),  # compound surname
        ("尉迟恭", "yuchigong"),
        ("吕布", "lvbu"),
        ("张伟", "zhangwei"),
    ],
)
def test_pinyin_reads_surnames_as_surnames(name: str, reading: str) -> None:
    assert names.pinyin(name) == reading


@pytest.mark.parametrize(
    ("romanized", "keys"),
    [
        ("Zhang Wei", ("zhangwei", "weizhang")),  # either order
        ("Wei Zhang", ("weizhang", "zhangwei")),
        ("ZHANG Wei", ("zhangwei",)),  # capitals mark the surname
        ("Wei ZHANG", ("zhangwei",)),
        ("Zhang, Wei", ("zhangwei",)),  # so does a comma
        ("Xiao-Ming Zhang", ("xiaomingzhang", "zhangxiaoming")),
        ("Lü Bu", ("lvbu", "bulv")),
        ("Ouyang Xiu", ("ouyangxiu", "xiuouyang")),
    ],
)
def test_romanized_names_in_either_order(romanized: str, keys: tuple[str, ...]) -> None:
    assert names.is_romanized(romanized)
    assert names.keys(romanized) == keys


def test_a_romanized_name_meets_the_chinese_one() -> None:
    for chinese, latin in [
        ("张伟", "Wei Zhang"),
        ("曾小明", "ZENG Xiaoming"),
        ("單田芳", "Shan Tianfang"),
    ]:
        assert names.pinyin(chinese) in names.keys(latin)


chinese = st.text(
    alphabet="张王李赵刘陈杨黄周吴曾单解欧阳伟芳娜敏静丽强磊軍國華", min_size=2, max_size=4
)
latin_words = st.lists(st.from_regex(r"[A-Z][a-z]{1,6}", fullmatch=True), min_size=2, max_size=3)


@settings(deadline=None)
@given(chinese)
def test_normalize_is_idempotent(name: str) -> None:
    once = names.normalize(name)
    assert names.normalize(once) == once


@settings(deadline=None)
@given(chinese, st.lists(st.sampled_from([" ", "\u3000", "\t"]), max_size=3))
def test_spacing_and_width_do_not_change_keys(name: str, spaces: list[str]) -> None:
    spaced = "".join(spaces) + " ".join(name) + "".join(spaces)
    assert names.keys(spaced) == names.keys(name)
    assert names.normalize(spaced) == names.normalize(name)


@given(latin_words)
def test_reversed_romanized_names_share_a_key(words: list[str]) -> None:
    forward = " ".join(words)
    backward = " ".join([words[-1], *words[:-1]])
    assert set(names.keys(forward)) & set(names.keys(backward))


@given(latin_words)
def test_full_width_romanized_names_have_the_same_keys(words: list[str]) -> None:
    text = " ".join(words)
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)
    assert names.keys(wide) == names.keys(text)
