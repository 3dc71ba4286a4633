from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Pages(LimitOffsetPagination):
    """Limit and offset with upper bounds, so no value overflows the database's integers."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)
