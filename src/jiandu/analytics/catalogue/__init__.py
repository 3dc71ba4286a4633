"""The supervision-model catalogue: one folder per model (DESIGN.md section 4).

Each folder `catalogue/<ID>/` holds

- `spec.yaml`: id, version, theme, subject type, title and rationale in Chinese and
  English, source, parameters with defaults and bilingual descriptions, the registers the
  model reads, the evidence it keeps per register and the explanation templates;
- `query.py` with `build(t, params) -> ibis.Table`, ONE Ibis expression over the
  warehouse tables (`t.payments`, `t.persons`, ...) returning one row per evidence row,
  with a `subject_id` and a `score` column (the engine groups rows by subject);
- `cases/*.yaml`: tiny input tables and the subjects they must produce.

A spec may instead say `implementation: python` with `entrypoint: module:function`; the
engine then calls `function(con, params) -> list[Hit]` with the DuckDB connection of the
warehouse (models that are not one Ibis expression, such as the OCDS indicators). Such a
spec may also name `batch: module:function`, `function(con, {model id: params}) ->
{model id: list[Hit]}`, which computes several models in one pass; the engine calls it
once for all the models of a run that name the same batch.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jiandu.analytics.hits import SUBJECT_TYPES

ROOT = Path(__file__).resolve().parent
ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
THEMES = {
    "P": "people",
    "B": "politics_business",
    "T": "procurement",
    "R": "procurement",
    "C": "circles",
    "E": "eight_point",
}


class CatalogueError(ValueError):
    """A spec, a model id or a parameter value is wrong; the message says which and why."""


@dataclass(frozen=True)
class Param:
    default: Any
    description: dict[str, str]

    @property
    def kind(self) -> str:
        """bool, int, float, list or str: the type a value given as text is parsed to."""
        if isinstance(self.default, bool):
            return "bool"
        if isinstance(self.default, int):
            return "int"
        if isinstance(self.default, float):
            return "float"
        if isinstance(self.default, list):
            return "list"
        return "str"

    def parse(self, value: Any) -> Any:
        """`value` (text from the command line, or a Python value) in this parameter's type."""
        kind = self.kind
        if kind == "list":
            if isinstance(value, str):
                items = [v.strip() for v in value.split(",") if v.strip()]
            elif isinstance(value, list | tuple):
                items = [str(v) for v in value]
            else:
                raise ValueError(f"expected a comma-separated list, got {value!r}")
            if not items:
                raise ValueError("expected at least one value")
            return items
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"true", "yes", "1"}:
                return True
            if text in {"false", "no", "0"}:
                return False
            raise ValueError(f"expected true or false, got {value!r}")
        if kind == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(f"expected a whole number, got {value!r}")
            try:
                return int(str(value).strip()) if isinstance(value, str) else int(value)
            except (TypeError, ValueError):
                raise ValueError(f"expected a whole number, got {value!r}") from None
        if kind == "float":
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ValueError(f"expected a number, got {value!r}") from None
        return str(value)


@dataclass(frozen=True)
class ModelSpec:
    id: str
    version: str
    theme: str
    subject_type: str
    title: dict[str, str]
    rationale: dict[str, str]
    source: str
    parameters: dict[str, Param]
    registers: list[str]
    # register -> {evidence column: result column}
    evidence: dict[str, dict[str, str]]
    explanation: dict[str, str] = field(default_factory=dict)
    person_columns: list[str] = field(default_factory=list)
    org_columns: list[str] = field(default_factory=list)
    implementation: str = "ibis"
    entrypoint: str = ""
    batch: str = ""
    folder: Path = ROOT

    @property
    def evidence_columns(self) -> dict[str, list[str]]:
        return {register: list(cols) for register, cols in self.evidence.items()}

    @property
    def cases_dir(self) -> Path:
        return self.folder / "cases"

    def resolve_params(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The defaults overlaid with `given` (values parsed to each parameter's type)."""
        values = {name: param.default for name, param in self.parameters.items()}
        for name, value in (given or {}).items():
            if name not in self.parameters:
                known = ", ".join(sorted(self.parameters)) or "none"
                raise CatalogueError(
                    f"{self.id} has no parameter {name!r} (its parameters: {known})"
                )
            try:
                values[name] = self.parameters[name].parse(value)
            except ValueError as exc:
                raise CatalogueError(f"{self.id}.{name}: {exc}") from None
        return values

    def builder(self) -> Callable[..., Any]:
        """`build(t, params)` of query.py, or the python entrypoint."""
        if self.implementation == "python":
            return _function(self.entrypoint)
        module = importlib.import_module(f"{__name__}.{self.id}.query")
        return module.build

    def batcher(self) -> Callable[..., Any]:
        """The `batch` function computing this model together with others."""
        return _function(self.batch)


def _function(path: str) -> Callable[..., Any]:
    module_name, _, func = path.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module_name), func)
    return function


def _bilingual(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict) or not data.get("zh") or not data.get("en"):
        raise CatalogueError(f"{where}: needs both 'zh' and 'en' text")
    return {"zh": str(data["zh"]).strip(), "en": str(data["en"]).strip()}


def _columns(data: Any, where: str) -> dict[str, str]:
    """An evidence list: `name` (same name in the result) or `name: result_column`."""
    if not isinstance(data, list):
        raise CatalogueError(f"{where}: expected a list of columns")
    out: dict[str, str] = {}
    for item in data:
        if isinstance(item, str):
            out[item] = item
        elif isinstance(item, dict) and len(item) == 1:
            ((name, column),) = item.items()
            out[str(name)] = str(column)
        else:
            raise CatalogueError(f"{where}: {item!r} is neither a column nor name: column")
    return out


def parse_spec(path: Path) -> ModelSpec:
    """Read and check one spec.yaml."""
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: expected a mapping")
    for key in ("id", "version", "theme", "subject", "title", "rationale", "registers"):
        if key not in data:
            raise CatalogueError(f"{where}: missing '{key}'")
    model_id = str(data["id"])
    if not ID_PATTERN.match(model_id) or model_id != path.parent.name:
        raise CatalogueError(f"{where}: id {model_id!r} must match its folder name")
    subject = str(data["subject"])
    if subject not in SUBJECT_TYPES:
        raise CatalogueError(f"{where}: unknown subject type {subject!r}")
    params: dict[str, Param] = {}
    for name, p in (data.get("parameters") or {}).items():
        if not isinstance(p, dict) or "default" not in p:
            raise CatalogueError(f"{where}: parameter {name!r} needs a default")
        params[str(name)] = Param(
            p["default"], _bilingual(p.get("description"), f"{where}: parameter {name}")
        )
    implementation = str(data.get("implementation", "ibis"))
    if implementation not in {"ibis", "python"}:
        raise CatalogueError(f"{where}: implementation must be ibis or python")
    entrypoint = str(data.get("entrypoint", ""))
    if implementation == "python" and ":" not in entrypoint:
        raise CatalogueError(f"{where}: a python model needs entrypoint: module:function")
    batch = str(data.get("batch", ""))
    if batch and (implementation != "python" or ":" not in batch):
        raise CatalogueError(f"{where}: batch: module:function is for python models only")
    evidence = {
        str(reg): _columns(cols, f"{where}: evidence {reg}")
        for reg, cols in (data.get("evidence") or {}).items()
    }
    explanation = data.get("explanation")
    if implementation == "ibis":
        explanation = _bilingual(explanation, f"{where}: explanation")
        if not evidence:
            raise CatalogueError(f"{where}: an ibis model names its evidence columns")
    return ModelSpec(
        id=model_id,
        version=str(data["version"]),
        theme=str(data["theme"]),
        subject_type=subject,
        title=_bilingual(data["title"], f"{where}: title"),
        rationale=_bilingual(data["rationale"], f"{where}: rationale"),
        source=str(data.get("source", "")).strip(),
        parameters=params,
        registers=[str(r) for r in data["registers"]],
        evidence=evidence,
        explanation=dict(explanation or {}),
        person_columns=[str(c) for c in data.get("persons") or []],
        org_columns=[str(c) for c in data.get("orgs") or []],
        implementation=implementation,
        entrypoint=entrypoint,
        batch=batch,
        folder=path.parent,
    )


def _sort_key(model_id: str) -> tuple[str, int, str]:
    m = re.match(r"([A-Z]+)(\d+)", model_id)
    return (m.group(1), int(m.group(2)), model_id) if m else (model_id, 0, model_id)


@functools.cache
def _load() -> tuple[ModelSpec, ...]:
    specs = [parse_spec(p) for p in ROOT.glob("*/spec.yaml")]
    return tuple(sorted(specs, key=lambda s: _sort_key(s.id)))


def load() -> list[ModelSpec]:
    """Every model of the catalogue, by theme letter then number (B01 ... T02)."""
    return list(_load())


def get(model_id: str) -> ModelSpec:
    for spec in _load():
        if spec.id == model_id.upper():
            return spec
    known = ", ".join(s.id for s in _load())
    raise CatalogueError(f"unknown model {model_id!r}; the catalogue has: {known}")
