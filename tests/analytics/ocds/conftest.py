"""The cardinal-rs indicator fixtures (MIT, see fixtures/LICENSE) and how a name sets the
settings: `R003-threshold-10` sets `[R003] threshold = 10`, `+` stands for `|`, and a
field followed by key-value pairs is a map section. Every fixture also runs with the two
global settings of cardinal-rs's own test build."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.jsonl"))


def fixture_ini(name: str) -> str:
    """The settings file (INI) that a fixture's name stands for."""
    parts = name.replace("+", "|").split("-")
    code = parts.pop(0)
    lines = ["no_price_comparison_procurement_methods = NPC", "", "[exclusions]"]
    lines += ["procurement_method_details = EXC", "", f"[{code}]"]
    if len(parts) == 2:
        lines.append(f"{parts[0]} = {parts[1]}")
    elif len(parts) > 2:
        field = parts.pop(0)
        lines += ["", f"[{code}.{field}]"]
        lines += [f"{key} = {value}" for key, value in zip(parts[::2], parts[1::2], strict=True)]
    return "\n".join(lines) + "\n"
