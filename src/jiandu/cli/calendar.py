"""calendar: the official working-day calendar and the deployment's overrides."""

from __future__ import annotations

import datetime as dt

import click

from .django_setup import setup


@click.group(name="calendar")
def calendar_group() -> None:
    """The working-day calendar every deadline is counted on."""


@calendar_group.command(name="show")
@click.argument("year", type=int)
def show(year: int) -> None:
    """List the non-working weekdays and working weekend days of YEAR."""
    setup()
    from jiandu.core.calendar import current

    cal = current()
    if not cal.known(year):
        click.echo(f"{year}: no official calendar yet; Monday to Friday count as working days.")
    day = dt.date(year, 1, 1)
    while day.year == year:
        working = cal.is_workday(day)
        if working != (day.weekday() < 5):
            mark = "working day (adjusted)" if working else "holiday"
            source = " [override]" if day in cal.overrides else ""
            click.echo(f"{day.isoformat()} {day.strftime('%a')}  {mark}{source}")
        day += dt.timedelta(days=1)


@calendar_group.command(name="set")
@click.argument("date", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--workday/--holiday", "is_workday", required=True, help="The day's status.")
@click.option("--note", default="", help="E.g. the notice that announced it.")
def set_(date: dt.datetime, is_workday: bool, note: str) -> None:
    """Override the status of DATE (YYYY-MM-DD)."""
    setup()
    from jiandu.core.calendar import set_day

    set_day(actor=None, date=date.date(), is_workday=is_workday, note=note)
    click.echo(f"{date.date().isoformat()}: {'working day' if is_workday else 'holiday'}")


@calendar_group.command(name="clear")
@click.argument("date", type=click.DateTime(formats=["%Y-%m-%d"]))
def clear(date: dt.datetime) -> None:
    """Remove the override of DATE, returning to the official calendar."""
    setup()
    from jiandu.core.calendar import clear_day

    if not clear_day(actor=None, date=date.date()):
        raise click.ClickException(f"No override for {date.date().isoformat()}.")
    click.echo(f"{date.date().isoformat()}: override removed")
