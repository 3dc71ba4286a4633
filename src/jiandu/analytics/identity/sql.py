"""The ID-number and credit-code rules as DuckDB macros, so validation runs inside the
database at its own speed. They state the same rules as `idnumber` and `uscc` (the tests
compare them on generated inputs).

- `jd_clean(s)`: full-width digits and letters to half-width, whitespace dropped,
  upper-cased; NULL for NULL or empty.
- `jd_idn(s)`: the 18-character form (15-digit numbers converted) of a cleaned value.
- `jd_idn_problem(c)`: for `c = jd_idn(jd_clean(s))`, NULL when valid, else length,
  characters, date, range or checksum (the codes of `idnumber.IdNumberError`).
- `jd_uscc_problem(c)`: for `c = jd_clean(s)`, NULL for a valid credit code, else length,
  characters or checksum.

Arguments should be columns (computed once in a subquery): a macro repeats its argument,
and nested macros over long expressions make plans that are slow to build.
"""

from __future__ import annotations

import duckdb

from . import idnumber, uscc

_FULL = (
    "".join(chr(0xFF10 + i) for i in range(10))
    + "".join(chr(0xFF21 + i) for i in range(26))
    + "".join(chr(0xFF41 + i) for i in range(26))
)
_HALF = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _idn_check(arg: str) -> str:
    terms = " + ".join(
        f"(ascii(substr({arg}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(idnumber._WEIGHTS)
    )
    return f"substr('{idnumber._CHECK}', (({terms}) % 11)::INTEGER + 1, 1)"


def _uscc_check(arg: str) -> str:
    terms = " + ".join(
        f"(strpos('{uscc.CHARSET}', substr({arg}, {i + 1}, 1)) - 1) * {w}"
        for i, w in enumerate(uscc._WEIGHTS)
    )
    return f"substr('{uscc.CHARSET}', ((31 - ({terms}) % 31) % 31)::INTEGER + 1, 1)"


MACROS = [
    # The plain case first: translate() is slow, a regular expression is not.
    f"""CREATE OR REPLACE TEMP MACRO jd_clean(s) AS CASE
        WHEN regexp_full_match(s, '[0-9A-Za-z]+') THEN upper(s)
        ELSE nullif(upper(regexp_replace(translate(s, '{_FULL}', '{_HALF}'),
            '[\\s\u3000]+', '', 'g')), '') END""",
    f"""CREATE OR REPLACE TEMP MACRO jd_idn_check(s) AS {_idn_check("s")}""",
    """CREATE OR REPLACE TEMP MACRO jd_idn(c) AS CASE
        WHEN length(c) = 15 AND regexp_full_match(c, '[0-9]{15}')
        THEN substr(c, 1, 6) || '19' || substr(c, 7)
             || jd_idn_check(substr(c, 1, 6) || '19' || substr(c, 7))
        ELSE c END""",
    """CREATE OR REPLACE TEMP MACRO jd_idn_problem(c) AS CASE
        WHEN c IS NULL THEN NULL
        WHEN length(c) = 15 THEN 'characters'
        WHEN length(c) != 18 THEN 'length'
        WHEN NOT regexp_full_match(c, '[0-9]{17}[0-9X]') THEN 'characters'
        WHEN try_strptime(substr(c, 7, 8), '%Y%m%d') IS NULL THEN 'date'
        WHEN substr(c, 7, 4) < '1850' OR substr(c, 7, 8) > strftime(current_date, '%Y%m%d')
            THEN 'range'
        WHEN substr(c, 18, 1) != jd_idn_check(c) THEN 'checksum'
        END""",
    f"""CREATE OR REPLACE TEMP MACRO jd_uscc_check(s) AS {_uscc_check("s")}""",
    f"""CREATE OR REPLACE TEMP MACRO jd_uscc_problem(s) AS CASE
        WHEN s IS NULL THEN NULL
        WHEN length(s) != 18 THEN 'length'
        WHEN NOT regexp_full_match(s, '[{uscc.CHARSET}]{{18}}') THEN 'characters'
        WHEN substr(s, 18, 1) != jd_uscc_check(s) THEN 'checksum'
        END""",
]


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define the macros on this connection (temporary: nothing is written to the file)."""
    for statement in MACROS:
        con.execute(statement)
