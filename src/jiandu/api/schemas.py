from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class OrgUnitOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent_id: int | None
    depth: int
    is_active: bool


class OrgUnitIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    kind: str = Field(max_length=32)
    parent_id: int | None = None


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


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    name_latin: str = Field("", max_length=100)
    id_number: str | None = Field(None, max_length=30)
    gender: str = Field("", max_length=1)
    birth_date: dt.date | None = None
    org_unit_id: int
    title: str = Field(min_length=1, max_length=200)
    rank: str = Field("", max_length=32)
    is_leading_cadre: bool = False
    start_date: dt.date


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] = {}
