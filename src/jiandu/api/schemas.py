from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from jiandu.accounts.models import OrgUnit, Person, Post

# Primary keys are 64-bit integers: a larger number names no row (and overflows the driver).
ID_MAX = 2**63 - 1
# PostgreSQL cannot store NUL in text; a query parameter must not contain it either.
NO_NUL = r"^[^\x00]*$"


class InputSchema(Schema):
    """Input refuses NUL characters (422), which PostgreSQL cannot store in text."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


class OrgUnitOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent_id: int | None
    depth: int
    is_active: bool


class OrgUnitIn(InputSchema):
    code: str = Field(min_length=1, max_length=40)
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    kind: str = Field(max_length=32, json_schema_extra={"enum": [*OrgUnit.Kind.values]})
    parent_id: int | None = Field(None, ge=1, le=ID_MAX)


class PostOut(Schema):
    id: int
    org_unit_id: int
    org_unit_name: str
    title: str
    rank: str
    is_leading_cadre: bool
    start_date: dt.date
    end_date: dt.date | None


class PersonOut(Schema):
    id: int
    name: str
    name_latin: str
    gender: str
    birth_date: dt.date | None


class PersonDetailOut(PersonOut):
    id_number: str | None
    posts: list[PostOut]


class PersonIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    name_latin: str = Field("", max_length=100)
    id_number: str | None = Field(None, max_length=30)
    gender: str = Field("", max_length=1, json_schema_extra={"enum": ["", *Person.Gender.values]})
    birth_date: dt.date | None = None
    org_unit_id: int = Field(ge=1, le=ID_MAX)
    title: str = Field(min_length=1, max_length=200)
    rank: str = Field("", max_length=32, json_schema_extra={"enum": ["", *Post.Rank.values]})
    is_leading_cadre: bool = False
    start_date: dt.date


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}
