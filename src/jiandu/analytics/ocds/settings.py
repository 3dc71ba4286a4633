"""Settings of the OCDS indicators, read from the same INI files as cardinal-rs.

The file is INI (a `.toml` or `.json` file with the same structure is read too). Global
properties come before any section; each indicator is enabled by its section (`[R024]`),
even an empty one; `[R003.procurement_method_details]` holds a map. Unknown sections and
properties are errors, as are values of the wrong type, each reported with its path.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CODES = (
    "R003",
    "R018",
    "R024",
    "R025",
    "R028",
    "R030",
    "R035",
    "R036",
    "R038",
    "R048",
    "R058",
)

# Each indicator's properties and their types: "int" (signed), "uint", "float", "str",
# "map" (str -> int).
INDICATOR_FIELDS: dict[str, dict[str, str]] = {
    "R003": {"threshold": "int", "procurement_methods": "str", "procurement_method_details": "map"},
    "R018": {"procurement_methods": "str"},
    "R024": {"threshold": "float"},
    "R025": {"percentile": "uint", "threshold": "float"},
    "R028": {},
    "R030": {},
    "R035": {"threshold": "uint"},
    "R036": {},
    "R038": {
        "threshold": "float",
        "minimum_submitted_bids": "uint",
        "minimum_contracting_processes": "uint",
    },
    "R048": {"digits": "uint", "threshold": "uint", "minimum_contracting_processes": "uint"},
    "R058": {"threshold": "float"},
}

GLOBAL_FIELDS = {
    "currency": "str",
    "no_price_comparison_procurement_methods": "str",
    "price_comparison_procurement_methods": "str",
}

# Sections of the `prepare` command.
PREPARE_SECTIONS: dict[str, dict[str, str]] = {
    "defaults": {
        "currency": "str",
        "item_classification_scheme": "str",
        "bid_status": "str",
        "award_status": "str",
        "party_roles": "bool",
    },
    "redactions": {"amount": "str", "organization_id": "str"},
    "corrections": {"award_status_by_contract_status": "bool"},
    "modifications": {
        "move_auctions": "bool",
        "prefix_buyer_or_procuring_entity_id": "str",
        "prefix_tenderer_or_supplier_id": "str",
        "split_procurement_method_details": "str",
    },
    "exclusions": {"procurement_method_details": "str"},
}
CODELISTS = ("bid_status", "award_status")

DEFAULT_SETTINGS = """\
; currency = USD
; no_price_comparison_procurement_methods = Random Selection
; price_comparison_procurement_methods = Reverse Auction

; `prepare` command
;
; Read the documentation at:
; https://cardinal.readthedocs.io/en/latest/cli/prepare.html

[defaults]
; currency = USD
; item_classification_scheme = UNSPSC
; bid_status = valid
; award_status = active
; party_roles = true

[redactions]
; amount = 0
; organization_id = placeholder

[corrections]
; award_status_by_contract_status = true

[modifications]
; move_auctions = true
; prefix_buyer_or_procuring_entity_id = DO-UC-
; prefix_tenderer_or_supplier_id = DO-RPE-
; split_procurement_method_details = -

[codelists.bid_status]
; qualified = valid

[codelists.award_status]
; Active = active

; `indicators` command
;
; Read the documentation at:
; https://cardinal.readthedocs.io/en/latest/cli/indicators/

[exclusions]
; procurement_method_details = Random Selection

[R003]
; threshold = 15
; procurement_methods = open|selective|limited

[R003.procurement_method_details]
; emergency = 10
; international = 25

[R018]
; procurement_methods = open|selective

[R024]
; threshold = 0.05

[R025]
; percentile = 75
; threshold = 0.05

[R028]

[R030]

[R035]
; threshold = 1

[R036]

[R038]
; threshold = 0.5
; minimum_submitted_bids = 2
; minimum_contracting_processes = 2

[R048]
; digits = 2
; threshold = 10
; minimum_contracting_processes = 20

[R058]
; threshold = 0.5
"""


class SettingsError(ValueError):
    """A settings file that cannot be used: the path of the bad property and why."""


@dataclass
class Settings:
    """Parsed settings. `indicators` maps each enabled code to its properties."""

    currency: str | None = None
    no_price_comparison_procurement_methods: str | None = None
    price_comparison_procurement_methods: str | None = None
    exclusions: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    prepare: dict[str, dict[str, Any]] = field(default_factory=dict)
    codelists: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def all_indicators(cls, **globals_: Any) -> Settings:
        """Every indicator enabled with its defaults (the settings `init` writes)."""
        return cls(indicators={code: {} for code in CODES}, **globals_)

    def enabled(self, code: str) -> bool:
        return code in self.indicators

    def get(self, code: str, name: str, default: Any = None) -> Any:
        value = self.indicators.get(code, {}).get(name)
        return default if value is None else value


def split_pipe(value: str | None) -> list[str]:
    """A pipe-separated list; like Rust's `split_terminator`, a trailing empty item drops."""
    if value is None:
        return []
    parts = value.split("|")
    if parts and parts[-1] == "":
        parts.pop()
    return parts


_INT = re.compile(r"[+-]?[0-9]+")
_UINT = re.compile(r"\+?[0-9]+")
_FLOAT = re.compile(r"[+-]?(inf|infinity|nan|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)", re.I)
_BOOL = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False}
_BOOL.update({"off": False, "0": False})


def _coerce(value: Any, kind: str, path: str) -> Any:
    if kind == "str":
        if isinstance(value, bool | dict | list):
            raise SettingsError(f"{path}: invalid type, expected a string")
        return str(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _BOOL:
            return _BOOL[text]
        raise SettingsError(f"{path}: invalid value {value!r}, expected a boolean")
    if kind in ("int", "uint"):
        if isinstance(value, bool | float | dict | list):
            raise SettingsError(f"{path}: invalid type, expected an integer")
        text = str(value).strip()
        pattern = _INT if kind == "int" else _UINT
        if not pattern.fullmatch(text):
            expected = "an integer" if kind == "int" else "a non-negative integer"
            raise SettingsError(f"{path}: invalid value {value!r}, expected {expected}")
        return int(text)
    if kind == "float":
        if isinstance(value, bool | dict | list):
            raise SettingsError(f"{path}: invalid type, expected a number")
        text = str(value).strip()
        if not _FLOAT.fullmatch(text):
            raise SettingsError(f"{path}: invalid value {value!r}, expected a number")
        return float(text)
    if kind == "map":
        if not isinstance(value, dict):
            raise SettingsError(f"{path}: invalid type, expected a section of name = integer")
        return {str(k): _coerce(v, "int", f"{path}.{k}") for k, v in value.items()}
    raise AssertionError(kind)


def _unknown(path: str, name: str, allowed: Any) -> SettingsError:
    expected = ", ".join(f"`{a}`" for a in allowed) or "none"
    where = f"{path}.{name}" if path else name
    return SettingsError(f"{where}: unknown field `{name}`, expected one of {expected}")


def from_mapping(data: dict[str, Any]) -> Settings:
    """Settings from a nested mapping (the parsed file)."""
    settings = Settings()
    for name, value in data.items():
        if name in GLOBAL_FIELDS:
            setattr(settings, name, _coerce(value, "str", name))
        elif name in INDICATOR_FIELDS:
            if not isinstance(value, dict):
                raise SettingsError(f"{name}: invalid type, expected a section")
            fields = INDICATOR_FIELDS[name]
            props: dict[str, Any] = {}
            for key, raw in value.items():
                if key not in fields:
                    raise _unknown(name, key, fields)
                props[key] = _coerce(raw, fields[key], f"{name}.{key}")
            settings.indicators[name] = props
        elif name in PREPARE_SECTIONS:
            if not isinstance(value, dict):
                raise SettingsError(f"{name}: invalid type, expected a section")
            fields = PREPARE_SECTIONS[name]
            props = {}
            for key, raw in value.items():
                if key not in fields:
                    raise _unknown(name, key, fields)
                props[key] = _coerce(raw, fields[key], f"{name}.{key}")
            if name == "exclusions":
                settings.exclusions = props
            else:
                settings.prepare[name] = props
        elif name == "codelists":
            if not isinstance(value, dict):
                raise SettingsError("codelists: invalid type, expected a section")
            for list_name, mapping in value.items():
                if list_name not in CODELISTS:
                    raise _unknown("codelists", list_name, CODELISTS)
                if not isinstance(mapping, dict):
                    raise SettingsError(f"codelists.{list_name}: invalid type, expected a section")
                settings.codelists[list_name] = {
                    str(k): _coerce(v, "str", f"codelists.{list_name}.{k}")
                    for k, v in mapping.items()
                }
        else:
            allowed = [*GLOBAL_FIELDS, "codelists", *PREPARE_SECTIONS, *INDICATOR_FIELDS]
            raise _unknown("", name, allowed)
    return settings


def _unescape(value: str) -> str:
    out: list[str] = []
    i = 0
    escapes = {"0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "r": "\r", "n": "\n"}
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            if nxt == "x" and i + 5 < len(value) + 1:
                code = value[i + 2 : i + 6]
                try:
                    out.append(chr(int(code, 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _strip_inline_comment(value: str) -> str:
    for i, ch in enumerate(value):
        if ch in ";#" and i > 0 and value[i - 1] in " \t":
            return value[:i]
    return value


def parse_ini(text: str, *, source: str = "settings") -> dict[str, Any]:
    """Parse INI text into a nested mapping; dotted section names nest."""
    root: dict[str, Any] = {}
    current: dict[str, Any] = root
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            end = line.find("]")
            if end < 0:
                raise SettingsError(f"{source}, line {number}: section must end with ']'")
            rest = line[end + 1 :].strip()
            if rest and rest[0] not in ";#":
                raise SettingsError(f"{source}, line {number}: text after the section name")
            name = line[1:end].strip()
            current = root
            for part in name.split("."):
                node = current.setdefault(part, {})
                if not isinstance(node, dict):
                    raise SettingsError(f"{source}, line {number}: {name} is not a section")
                current = node
            continue
        positions = [p for p in (line.find("="), line.find(":")) if p >= 0]
        if not positions:
            raise SettingsError(f"{source}, line {number}: expected name = value")
        cut = min(positions)
        key = line[:cut].strip()
        if not key:
            raise SettingsError(f"{source}, line {number}: missing name before '='")
        value = line[cut + 1 :].strip()
        if value[:1] in ('"', "'") and value[1:].find(value[0]) >= 0:
            quote = value[0]
            value = value[1 : 1 + value[1:].find(quote)]
        else:
            value = _unescape(_strip_inline_comment(value).strip())
        current[key] = value
    return root


def load(path: Path | str) -> Settings:
    """Read and validate a settings file (INI, TOML or JSON by extension)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text") from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
            if not isinstance(data, dict):
                raise SettingsError(f"{path}: expected a JSON object")
        else:
            data = parse_ini(text, source=str(path))
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    try:
        return from_mapping(data)
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
