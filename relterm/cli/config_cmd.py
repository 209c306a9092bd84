"""`relterm config`: where things are, and a copy of the shipped ladders to edit."""

from __future__ import annotations

import shutil

import click

from .. import paths
from ..config import levels_file
from . import fail
from .context import AppContext
from .output import echo

pass_app = click.make_pass_decorator(AppContext)


@click.group()
def config():
    """Show or set up the configuration."""


@config.command("path")
@pass_app
def path_(app: AppContext):
    """Print the paths in use."""
    cfg = app.config_path
    echo(f"database:    {app.database}")
    echo(f"config dir:  {cfg}")
    active = levels_file(cfg)
    note = "(shipped default; `relterm config init` copies it here)" if active == paths.SHIPPED_LEVELS else ""
    echo(f"levels:      {active} {note}".rstrip())
    echo(f"themes:      {paths.user_themes_dir(cfg)}")
    echo(f"cache:       {paths.cache_dir()} (validated ladder configs; safe to delete)")


@config.command("init")
@click.option("--force", is_flag=True, help="Overwrite an existing levels.yaml.")
@pass_app
def init(app: AppContext, force: bool):
    """Write the shipped levels.yaml, commented, to the config directory for you to edit."""
    target = paths.user_levels_file(app.config_path)
    if target.exists() and not force:
        fail(f"{target} already exists; pass --force to replace it")
    paths.make_private_dir(target.parent)
    shutil.copyfile(paths.SHIPPED_LEVELS, target)
    echo(f"Wrote {target}. Edit it to change the ladders; `relterm levels` shows the result.")
