"""E04 official-car fuel misuse: a fuel transaction of an official vehicle on a
non-working day outside its home region, or with litres above tank_litres, or with a
fuel grade other than the vehicle's."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, non_working_days, resolve_org


def _plate(value: ir.StringValue) -> ir.StringValue:
    return value.re_replace(r"\s+", "").upper()


def _grade(value: ir.StringValue) -> ir.StringValue:
    return value.re_replace(r"\s+", "").upper().nullif("")


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    v = t.vehicles.filter(lambda x: x.kind == "official")
    v = v.select(
        v_key=_plate(v.plate),
        v_plate=v.plate,
        v_owner=v.owner_org_id,
        v_kind=v.kind,
        v_home=v.home_region_code,
        v_tank=v.tank_litres,
        v_grade=v.fuel_grade,
    )
    f = t.fuel_transactions
    f = f.mutate(f_key=_plate(f.plate), f_day=f.at.date())
    j = f.join(v, f.f_key == v.v_key)
    off = non_working_days()
    j = j.left_join(off, j.f_day == off.nwd_day)
    # A region code covers its children: 440100 (a city) contains 440106 (a district).
    home = j.v_home.strip().re_replace(r"(00)+$", "")
    station = j.station_region_code.strip()
    outside = (
        j.v_home.notnull()
        & station.notnull()
        & (home.length() > 0)
        & (station.substr(0, home.length()) != home)
    )
    away = (j.nwd_day.notnull() & outside).fill_null(False)
    overfill = (j.litres.notnull() & j.v_tank.notnull() & (j.litres > j.v_tank)).fill_null(False)
    grade = (_grade(j.fuel_grade) != _grade(j.v_grade)).fill_null(False)
    j = j.mutate(r_away=away, r_over=overfill, r_grade=grade).filter(
        lambda x: x.r_away | x.r_over | x.r_grade
    )
    j = resolve_org(t, j, "v_owner", "owner")

    def part(flag: ir.BooleanValue, text: ir.StringValue) -> ir.StringValue:
        return flag.ifelse(text + "; ", "")

    reason_en = (
        part(j.r_away, "on a non-working day outside its home region " + j.v_home.fill_null(""))
        + part(j.r_over, "more litres than its " + j.v_tank.cast("string") + "-litre tank")
        + part(j.r_grade, "grade " + j.fuel_grade.fill_null("") + " instead of its "
               + j.v_grade.fill_null(""))
    )  # fmt: skip
    reason_zh = (
        part(j.r_away, "休息日在属地 " + j.v_home.fill_null("") + " 以外加油")
        + part(j.r_over, "加油量超过油箱容量 " + j.v_tank.cast("string") + " 升")
        + part(j.r_grade, "油品 " + j.fuel_grade.fill_null("") + " 与车辆的 "
               + j.v_grade.fill_null("") + " 不符")
    )  # fmt: skip
    n = j.r_away.cast("int32") + j.r_over.cast("int32") + j.r_grade.cast("int32")
    return j.mutate(
        subject_id=j.txn_id,
        reason_en=reason_en.re_replace(r"; $", ""),
        reason_zh=reason_zh.re_replace(r"; $", "").replace("; ", "；"),
        score=ibis.least(1.0, 0.5 + 0.25 * n.cast("float64")),
    )
