"""Names normalized for matching (REGISTERS.md, identity rules).

- `normalize`: full-width to half-width, whitespace removed, traditional characters to
  simplified, the interpunct variants of transliterated names to one `·`.
- `pinyin`: the toneless pinyin of a Chinese name with the surname's own reading (曾 zeng,
  单 shan, 解 xie, ...), syllables joined, `ü` written `v`.
- `keys`: the match keys of a name as written: one for a Chinese name (its pinyin); for a
  romanized name (`Zhang Wei`, `ZHANG Wei`, `Wei Zhang`) the orders it can be read in (an
  all-capitals token or a comma marks the surname and leaves one).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

# Surnames whose reading as a surname differs from the character's common reading, and
# the compound surnames (read as one unit before the given name).
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "员": "yun",
    "秘": "bi",
    "种": "chong",
    "乐": "yue",
    "召": "shao",
    "任": "ren",
    "沈": "shen",
    "朝": "chao",
    "繁": "po",
    "黑": "he",
    "句": "gou",
    "华": "hua",
    "葛": "ge",
    "柏": "bai",
    "藏": "zang",
    "重": "chong",
    "宿": "su",
    "隗": "wei",
    "曲": "qu",
    "石": "shi",
    "折": "she",
    "冼": "xian",
    "洗": "xian",
    "尉": "wei",
    "长": "chang",
    "都": "du",
    "么": "yao",
    "车": "che",
    "莘": "shen",
    "阚": "kan",
    "相": "xiang",
    "校": "xiao",
    "叶": "ye",
    "燕": "yan",
    "万": "wan",
    "殷": "yin",
    "褚": "chu",
    "薄": "bo",
    "贲": "ben",
    "逄": "pang",
    "訾": "zi",
    "郇": "huan",
    "蔺": "lin",
    "祭": "zhai",
}
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ouyang",
    "司马": "sima",
    "诸葛": "zhuge",
    "上官": "shangguan",
    "司徒": "situ",
    "东方": "dongfang",
    "皇甫": "huangfu",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "长孙": "zhangsun",
    "澹台": "tantai",
    "公孙": "gongsun",
    "慕容": "murong",
    "令狐": "linghu",
    "宇文": "yuwen",
    "夏侯": "xiahou",
    "轩辕": "xuanyuan",
    "单于": "chanyu",
    "呼延": "huyan",
    "端木": "duanmu",
    "独孤": "dugu",
    "南宫": "nangong",
    "西门": "ximen",
    "申屠": "shentu",
}

_DOTS = re.compile(r"[•・‧∙⋅･.]")
_LATIN = re.compile(r"[A-Za-zÜü][A-Za-zÜü\s,'\-:]*")
_TOKEN = re.compile(r"[a-z:]+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """The name as matched: NFKC, no whitespace, simplified characters, lower-case latin."""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    text = _DOTS.sub("·", text) if not is_romanized(text) else text
    return str(_t2s().convert(text)).lower()


def is_romanized(name: str) -> bool:
    """Written in latin letters only (after NFKC), e.g. `Zhang Wei`."""
    text = unicodedata.normalize("NFKC", name).strip()
    return bool(text) and _LATIN.fullmatch(text) is not None


def split_surname(name: str) -> tuple[str, str]:
    """A Chinese name's surname and given name (compound surnames recognized)."""
    simplified = normalize(name)
    if simplified[:2] in COMPOUND_SURNAMES and len(simplified) > 2:
        return simplified[:2], simplified[2:]
    return simplified[:1], simplified[1:]


def _syllables(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL, v_to_u=False, errors="ignore"))


@lru_cache(maxsize=65536)
def pinyin(name: str) -> str:
    """Toneless pinyin with the surname's reading: 曾小明 zengxiaoming, 單田芳 shantianfang."""
    surname, given = split_surname(name)
    head = COMPOUND_SURNAMES.get(surname) or SURNAME_READINGS.get(surname) or _syllables(surname)
    return (head + _syllables(given)).replace("ü", "v")


def _latin_tokens(text: str) -> list[str]:
    text = (
        text.replace("ü", "v")
        .replace("Ü", "V")
        .replace("u:", "v")
        .replace("U:", "V")
        .replace("-", "")
        .replace("'", "")
    )
    return [t.replace(":", "") for t in text.split()]


def romanized_keys(name: str) -> tuple[str, ...]:
    """The pinyin keys a romanized name can stand for, surname first."""
    text = unicodedata.normalize("NFKC", name).strip()
    if "," in text:  # "Zhang, Wei": surname before the comma
        surname, _, given = text.partition(",")
        return ("".join(_latin_tokens(surname + " " + given)).lower(),)
    raw = _latin_tokens(text)
    tokens = [t.lower() for t in raw]
    if len(tokens) < 2:
        return ("".join(tokens),)
    capitals = [i for i, t in enumerate(raw) if len(t) > 1 and t.isupper()]
    if len(capitals) == 1 and len(raw) > 1 and not all(t.isupper() for t in raw):
        i = capitals[0]  # "ZHANG Wei" / "Wei ZHANG": the capitals are the surname
        return (tokens[i] + "".join(tokens[:i] + tokens[i + 1 :]),)
    forward = "".join(tokens)
    backward = tokens[-1] + "".join(tokens[:-1])
    return (forward,) if forward == backward else (forward, backward)


def keys(name: str) -> tuple[str, ...]:
    """Match keys: pinyin of a Chinese name, or the readings of a romanized one."""
    if not name or not name.strip():
        return ()
    if is_romanized(name):
        return romanized_keys(name)
    return (pinyin(name),)
