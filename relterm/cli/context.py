"""What every command needs: where the files are, the config, the core."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .. import paths


@dataclass
class AppContext:
    db_path: Optional[str] = None
    config_dir: Optional[str] = None
    _config: object = field(default=None, repr=False)
    _core: object = field(default=None, repr=False)

    @property
    def database(self) -> Path:
        return paths.db_path(self.db_path)

    @property
    def config_path(self) -> Path:
        return paths.config_dir(self.config_dir)

    @property
    def config(self):
        """The ladder config; a broken file raises ConfigError before the database is touched."""
        if self._config is None:
            from ..config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def core(self):
        if self._core is None:
            from ..core import Core

            config = self.config
            self._core = Core(self.database, config)
            from .. import store

            if store.last_upgrade is not None:  # say where the copy from before the upgrade is
                from .output import echo

                echo(f"relterm: {store.last_upgrade.message()}", err=True)
        return self._core

    def close(self) -> None:
        """Close the core if the command opened one (at the end of every command)."""
        if self._core is not None:
            self._core.close()
