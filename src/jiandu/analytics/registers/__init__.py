"""The registers of REGISTERS.md: schemas as data, loaders, validation and the ingest."""

from .ingest import ingest, last_report, manifest_hash
from .report import IngestReport, RegisterResult, Rejection
from .schema import REGISTERS, Column, Register

__all__ = [
    "REGISTERS",
    "Column",
    "IngestReport",
    "Register",
    "RegisterResult",
    "Rejection",
    "ingest",
    "last_report",
    "manifest_hash",
]
