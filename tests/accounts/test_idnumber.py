"""Resident identity numbers (GB 11643-1999): check characters, normalization, 15 -> 18."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.analytics.identity import idnumber
from jiandu.analytics.identity.idnumber import IdNumberError


def reference_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 in its recursive form, independent of the module's weight table."""
    p = 0
    for digit in first17:
        p = ((p + int(digit)) * 2) % 11
    check = (12 - p) % 11
    return "X" if check == 10 else str(check)


def make(region: str, born: dt.date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + reference_check(first17)


def refusal(text: str) -> IdNumberError:
    with pytest.raises(IdNumberError) as info:
        idnumber.parse(text)
    assert not idnumber.is_valid(text)
    return info.value


# --- check characters -----------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example of GB 11643-1999 (check character X)
        "440524188001010014",  # the standard's second example (born 1880)
        "110101199003078515",
    ],
)
def test_known_valid_numbers(number: str) -> None:
    assert reference_check(number[:17]) == number[17]
    assert idnumber.check_character(number[:17]) == number[17]
    assert idnumber.parse(number).value == number
    assert idnumber.is_valid(number)


def test_check_character_agrees_with_the_recursive_definition() -> None:
    seen = set()
    for sequence in range(1000):
        first17 = f"32010219850615{sequence:03d}"
        check = idnumber.check_character(first17)
        assert check == reference_check(first17), first17
        seen.add(check)
    assert seen == set("0123456789X")


@settings(max_examples=200, deadline=None)
@given(
    region=st.integers(110000, 829999).map(str),
    born=st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)),
    sequence=st.integers(0, 999),
)
def test_constructed_numbers_parse(region: str, born: dt.date, sequence: int) -> None:
    number = make(region, born, sequence)
    assert idnumber.check_character(number[:17]) == number[17]
    parsed = idnumber.parse(number)
    assert parsed.value == number
    assert parsed.region_code == region
    assert parsed.birth_date == born
    assert parsed.gender == ("M" if sequence % 2 else "F")


@settings(max_examples=100, deadline=None)
@given(
    born=st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)),
    sequence=st.integers(0, 999),
    wrong=st.sampled_from("0123456789X"),
)
def test_any_other_check_character_is_refused(born: dt.date, sequence: int, wrong: str) -> None:
    number = make("320102", born, sequence)
    if wrong == number[17]:
        return
    error = refusal(number[:17] + wrong)
    assert error.code == "checksum"
    assert error.params == {"found": wrong, "expected": number[17]}


def test_a_single_changed_digit_is_detected() -> None:
    number = "11010519491231002X"
    for position in range(17):
        digit = str((int(number[position]) + 1) % 10)
        changed = number[:position] + digit + number[position + 1 :]
        assert not idnumber.is_valid(changed), changed


# --- normalization ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002x",  # lower-case x
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X
        "１１０１０５１９４９１２３１００２ｘ",  # full-width digits, full-width lower x
        " 110105 19491231 002X ",  # spaces
        "110105\u300019491231\u3000002X",  # ideographic (full-width) spaces
    ],
)
def test_normalized_to_eighteen_half_width_characters(text: str) -> None:
    assert idnumber.parse(text).value == "11010519491231002X"


def test_clean() -> None:
    assert idnumber.clean("１１０ １０５ｘ") == "110105X"


def test_digits_of_other_scripts_are_refused() -> None:
    arabic_indic = "".join(chr(0x660 + int(c)) for c in "11010519491231002") + "X"
    assert refusal(arabic_indic).code == "characters"
    devanagari = "".join(chr(0x966 + int(c)) for c in "110105491231002")
    assert refusal(devanagari).code == "characters"


# --- the 15-digit form --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "born", "gender"),
    [
        ("110105491231002", "11010519491231002X", dt.date(1949, 12, 31), "F"),
        ("440524800101001", make("440524", dt.date(1980, 1, 1), 1), dt.date(1980, 1, 1), "M"),
        ("１１０１０５ ４９１２３１ ００２", "11010519491231002X", dt.date(1949, 12, 31), "F"),
    ],
)
def test_fifteen_digits_convert_to_eighteen(old: str, new: str, born: dt.date, gender: str) -> None:
    parsed = idnumber.parse(old)
    assert parsed.value == new
    assert len(parsed.value) == 18
    assert parsed.birth_date == born
    assert parsed.gender == gender
    assert idnumber.parse(parsed.value) == parsed


def test_fifteen_characters_must_all_be_digits() -> None:
    assert refusal("11010549123100X").code == "characters"


# --- dates, lengths, characters ----------------------------------------------------------


@pytest.mark.parametrize(
    "born",
    ["19490230", "19491301", "19490001", "19490100", "19000229", "20230229", "19491232"],
)
def test_impossible_birth_dates_are_refused(born: str) -> None:
    first17 = f"110105{born}002"
    error = refusal(first17 + reference_check(first17))
    assert error.code == "date"
    assert error.params == {"date": born}


def test_leap_day_is_a_date() -> None:
    assert idnumber.parse(make("110105", dt.date(2000, 2, 29), 2)).birth_date == dt.date(
        2000, 2, 29
    )


def test_impossible_date_in_fifteen_digits_is_refused() -> None:
    assert refusal("110105490230002").code == "date"


@pytest.mark.parametrize(
    "born",
    [
        dt.date(1849, 12, 31),
        dt.date.today() + dt.timedelta(days=1),
        dt.date(2999, 1, 1),
    ],
)
def test_birth_dates_out_of_range_are_refused(born: dt.date) -> None:
    error = refusal(make("110105", born, 2))
    assert error.code == "range"


def test_earliest_accepted_year() -> None:
    assert idnumber.is_valid(make("110105", dt.date(1850, 1, 1), 2))


@pytest.mark.parametrize("length", [0, 1, 14, 16, 17, 19, 20])
def test_wrong_lengths_are_refused(length: int) -> None:
    text = ("11010519491231002X" * 2)[:length]
    error = refusal(text)
    assert error.code == "length"
    assert error.params == {"length": length}


@pytest.mark.parametrize(
    "text",
    [
        "1101051949123100XX",  # X before the last place
        "X1010519491231002X",
        "11010519491231002A",  # a letter other than X
        "1101051949-231002X",
    ],
)
def test_other_characters_are_refused(text: str) -> None:
    assert refusal(text).code == "characters"
