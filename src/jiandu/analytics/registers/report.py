"""What an ingest did: per register, and every rejected row with its reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Reason codes of rejections and warnings, with the English text (the web page words
# them in the reader's language from the code and `params`).
REASONS: dict[str, str] = {
    "empty_file": "the file is empty",
    "unreadable": "the file cannot be read: {detail}",
    "no_sheet": "the workbook has no sheet named {register}",
    "two_files": "the register comes in more than one file: {files}",
    "malformed": "malformed line: {detail}",
    "bad_encoding": "the line is not UTF-8 text (and the file is not GB18030 either)",
    "gb18030": "the file is not UTF-8: read as GB18030 (GBK)",
    "missing_column": "the required column is missing",
    "required": "a value is required",
    "bad_date": "not a date (YYYY-MM-DD)",
    "bad_timestamp": "not a timestamp (YYYY-MM-DD HH:MM[:SS], optionally with a zone)",
    "bad_amount": "not a number",
    "bad_bool": "not true or false",
    "bad_month": "not a month (YYYY-MM)",
    "not_allowed": "not one of {allowed}",
    "duplicate_id": "duplicate id: also on row {first}",
    "dangling": "refers to an unknown {target} id",
    "bad_json": "not a JSON object: {detail}",
    "no_ocid": "the release has no ocid",
    "duplicate_ocid": "duplicate ocid: also on line {first} of {file}",
    "id_number": "invalid ID number ({problem}): kept as given, not used to match people",
    "uscc": "invalid credit code ({problem}): kept as given, not used to match organizations",
}

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Rejection:
    """One problem: an error rejects its register, a warning keeps the row."""

    file: str
    row: int | None
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    value: str | None = None
    severity: str = ERROR

    @property
    def reason(self) -> str:
        return REASONS[self.code].format(**self.params)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reason": self.reason}


@dataclass
class RegisterResult:
    name: str
    file: str
    rows: int
    sha256: str
    status: str  # loaded | unchanged | rejected | failed
    seconds: float = 0.0
    errors: int = 0
    warnings: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestReport:
    directory: str
    started_at: str = ""
    finished_at: str = ""
    registers: list[RegisterResult] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)
    identity: dict[str, Any] = field(default_factory=dict)
    rejections_total: int | None = None  # when `rejections` holds only the first ones

    @property
    def ok(self) -> bool:
        """Every register found was loaded (or was already loaded unchanged)."""
        return all(r.status in ("loaded", "unchanged") for r in self.registers)

    @property
    def errors(self) -> list[Rejection]:
        return [r for r in self.rejections if r.severity == ERROR]

    @property
    def warnings(self) -> list[Rejection]:
        return [r for r in self.rejections if r.severity == WARNING]

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "ok": self.ok,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "registers": [r.to_dict() for r in self.registers],
            "rejections": [r.to_dict() for r in self.rejections],
            "rejections_total": (
                len(self.rejections) if self.rejections_total is None else self.rejections_total
            ),
            "unknown_files": list(self.unknown_files),
            "identity": self.identity,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IngestReport:
        return cls(
            directory=data["directory"],
            started_at=data.get("started_at", ""),
            finished_at=data.get("finished_at", ""),
            registers=[RegisterResult(**r) for r in data.get("registers", [])],
            rejections=[
                Rejection(**{k: v for k, v in r.items() if k != "reason"})
                for r in data.get("rejections", [])
            ],
            unknown_files=list(data.get("unknown_files", [])),
            identity=dict(data.get("identity", {})),
            rejections_total=data.get("rejections_total"),
        )

    def truncated(self, limit: int) -> IngestReport:
        """The report with its first `limit` rejections (the total kept)."""
        if len(self.rejections) <= limit:
            return self
        data = self.to_dict()
        data["rejections"] = data["rejections"][:limit]
        return IngestReport.from_dict(data)
