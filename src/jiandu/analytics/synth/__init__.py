"""The synthetic world: a coherent fictional province in the register format of
REGISTERS.md, with planted cases of every supervision model and their ground truth.

    generate("tiny", 7, Path("world"))  ->  world/persons.csv ... world/truth.csv

Same scale and seed, same bytes. See docs/synth.md for what is planted and how."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from . import background
from .output import REGISTERS, Output
from .planter import Planter
from .plants_business import PLANTS as BUSINESS
from .plants_circles import PLANTS as CIRCLES
from .plants_conduct import PLANTS as CONDUCT
from .plants_ocds import PLANTS as OCDS
from .plants_people import PLANTS as PEOPLE
from .scales import SCALES, Scale
from .world import World

__all__ = ["MODELS", "REGISTERS", "SCALES", "Scale", "generate"]

PLANTS = {**PEOPLE, **BUSINESS, **CIRCLES, **CONDUCT, **OCDS}
MODELS = tuple(PLANTS)

Progress = Callable[[str, int], None]


def generate(scale: str, seed: int, out_dir: Path, progress: Progress | None = None) -> Path:
    """Write the world of `scale` ("tiny", "small" or "province") and `seed` into out_dir
    (created; existing files of the same names are replaced). Returns out_dir.
    `progress(stage, rows)` is called as the work advances."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = World(seed=seed, scale=SCALES[scale])
    world.build()
    counters: dict[str, int] = defaultdict(int)
    out = Output(out_dir)

    def step(stage: str) -> None:
        if progress is not None:
            progress(stage, sum(out.rows.values()))

    try:
        background.write_structure(world, out)
        step("organizations")
        background.write_people(world, out)
        step("persons")
        background.write_payroll(world, out)
        step("payroll")
        background.write_procurement(world, out, counters)
        step("procurement")
        background.write_payments(world, out, counters, progress)
        step("payments")
        background.write_invoices(world, out, counters)
        step("invoices")
        background.write_vehicles(world, out, counters)
        step("vehicles")
        world.org_counter = world.company_base + world.scale.companies
        planter = Planter(world, counters)
        for plant in PLANTS.values():
            for k in range(world.scale.cases):
                plant(planter, k)
            # a model's rows are final once its cases are planted: written (each register
            # in planting order, as if all at the end) and dropped, to bound the memory
            for register, rows in planter.rows.items():
                if register == "ocds":
                    for (release,) in rows:
                        out.release(release)  # type: ignore[arg-type]
                else:
                    out.rows_of(register, rows)
            planter.rows.clear()
        out.rows_of("truth", sorted(planter.truth))
        step("planted")
    finally:
        out.close()
    return out_dir
