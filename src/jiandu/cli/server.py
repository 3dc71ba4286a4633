"""init, demo, serve, worker, manage."""

from __future__ import annotations

import os
from typing import Any

import click

from .django_setup import setup


def _init(verbosity: int = 0) -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    (settings.DATA_DIR / "files").mkdir(exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=0)


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Show each migration.")
def init(verbose: bool) -> None:
    """Create or migrate the database and prepare the data directory."""
    setup()
    from django.conf import settings
    from django.db import connection

    _init(1 if verbose else 0)
    click.echo(f"jiandu is ready: data in {settings.DATA_DIR}, database {connection.vendor}.")


def _serve(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from jiandu.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "timeout": 120,
                "graceful_timeout": 20,
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()


_host = click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
_port = click.option("--port", default=8000, show_default=True, help="Port to listen on.")
_workers = click.option(
    "--workers",
    default=min(2 * (os.cpu_count() or 1) + 1, 9),
    show_default=True,
    help="Worker processes (twice the cores plus one).",
)
_threads = click.option("--threads", default=4, show_default=True, help="Threads per worker.")


@click.command()
@_host
@_port
@_workers
@_threads
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web application and API with a production server (gunicorn)."""
    setup()
    _serve(host, port, workers, threads)


@click.command()
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop.")
@_host
@_port
@_workers
@_threads
def demo(no_serve: bool, host: str, port: int, workers: int, threads: int) -> None:
    """Load the fictional demo data (idempotent) and serve it."""
    # The demo is served over plain HTTP on this machine unless told otherwise.
    setup(JIANDU_HTTPS="0")
    from django.conf import settings

    from jiandu import demo as demo_data

    _init()
    summary = demo_data.load()
    click.echo(summary.describe())
    from jiandu.demo import warehouse as demo_warehouse

    click.echo(demo_warehouse.load(settings.DATA_DIR))
    from jiandu.demo import supervision as supervision_demo

    click.echo(supervision_demo.load().describe())
    if no_serve:
        return
    click.echo("")
    click.secho(f"jiandu demo: http://{host}:{port}/", bold=True)
    click.echo(f"Password of every demo account: {settings.JIANDU['DEMO_PASSWORD']}")
    _serve(host, port, workers, threads)


@click.command()
@click.option("--queue", "queues", multiple=True, help="Queue to take tasks from (all by default).")
@click.option("--batch", is_flag=True, help="Run the queued tasks, then stop.")
def worker(queues: tuple[str, ...], batch: bool) -> None:
    """Run background tasks (model runs, imports, chain verification)."""
    setup()
    from django.core.management import call_command

    args: list[str] = []
    if queues:
        args += ["--queue-name", ",".join(queues)]
    else:
        args += ["--queue-name", "*"]
    if batch:
        args.append("--batch")
    call_command("db_worker", *args)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (for operators), e.g. `jiandu manage check --deploy`."""
    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jiandu manage", *args])
