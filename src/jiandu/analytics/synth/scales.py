"""The three sizes of synthetic world."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    counties: int  # county-level divisions used, in code order (0: all of Hunan)
    staff_per_body: int  # posts per government body
    villages_per_county: int
    companies: int
    citizens: int
    contracts_per_buyer_year: float
    payments: int  # approximate number of background payments
    invoices_per_body_year: int
    vehicles_per_body: int
    fuel_per_vehicle_year: int
    cases: int  # planted cases per model variant
    noise: float = 0.05  # share of people who also have a duplicate record


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 3, 6, 4, 150, 2000, 6.0, 8_000, 8, 1, 10, 5),
    "small": Scale("small", 18, 10, 15, 3_000, 38_000, 12.0, 150_000, 25, 2, 24, 10),
    "province": Scale("province", 0, 14, 230, 172_000, 640_000, 200.0, 10_000_000, 370, 2, 60, 40),
}
