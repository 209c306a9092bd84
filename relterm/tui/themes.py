"""Colour themes as data, the remembered settings, and readable level colours.

Theme files are YAML (``relterm/themes/*.yaml`` shipped, ``themes/*.yaml`` in
the user's config directory; once parsed, read from relterm's cache as JSON, so
a start needs no YAML parser), validated strictly by :class:`ThemeFile` and
converted to Textual's :class:`~textual.theme.Theme`. A user theme with the
name of a shipped one replaces it. Broken files are collected as messages,
never raised, so the app starts with whatever is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Optional

from textual.color import Color, ColorParseError
from textual.theme import Theme

from .. import paths
from ..config import Config
from ..filecache import YamlError, load_yaml

DEFAULT_THEME = "relterm-dark"


def _check_color(value: str) -> str:
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f'"{value}" is not a colour; use "#rrggbb", "#rgb" or a colour name') from None
    return value


_COLOR_KEYS = ("primary", "secondary", "accent", "foreground", "background", "surface", "panel", "warning", "error",
               "success")
_KEYS = frozenset(("name", "dark", "variables") + _COLOR_KEYS)
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _plain_theme(data: dict) -> Optional[Theme]:
    """The theme of a file that is plainly valid, else None (the model then says what is wrong).

    The common case at start, checked by hand: importing pydantic and building
    the model would cost ~50 ms before the first frame. Accepts no more than
    :func:`theme_model` does.
    """
    name = data.get("name")
    if not _KEYS.issuperset(data) or type(name) is not str or not _NAME.fullmatch(name):
        return None
    dark = data.get("dark", True)
    variables = data.get("variables", {})
    if type(dark) is not bool or type(variables) is not dict:
        return None
    if not all(type(k) is str and type(v) is str for k, v in variables.items()):
        return None
    if type(data.get("primary")) is not str:
        return None
    for key in _COLOR_KEYS:
        value = data.get(key)
        if value is not None:
            if type(value) is not str:
                return None
            try:
                Color.parse(value)
            except ColorParseError:
                return None
    return Theme(name=name, dark=dark, **{key: data.get(key) for key in _COLOR_KEYS}, variables=dict(variables))


@cache
def theme_model():
    """The pydantic model of a theme file (built on first use): strict checks and one message per problem."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class ThemeFile(BaseModel):
        """One theme file."""

        model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

        name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Theme name, e.g. relterm-dark.")
        dark: bool = Field(True, description="Whether this is a dark theme.")
        primary: str = Field(description="Main accent: focus borders, the cursor.")
        secondary: Optional[str] = Field(None, description="Second accent colour.")
        accent: Optional[str] = Field(None, description="Highlights such as the palette's matches.")
        foreground: Optional[str] = Field(None, description="Text colour.")
        background: Optional[str] = Field(None, description="Screen background.")
        surface: Optional[str] = Field(None, description="Background of panes.")
        panel: Optional[str] = Field(None, description="Background of titles and popups.")
        warning: Optional[str] = Field(None, description="Warnings, overdue keep-in-touch dates.")
        error: Optional[str] = Field(None, description="Errors.")
        success: Optional[str] = Field(None, description="Confirmations.")
        variables: dict[str, str] = Field(default_factory=dict, description="Extra Textual theme variables.")

        @field_validator(
            "primary", "secondary", "accent", "foreground", "background", "surface", "panel", "warning", "error",
            "success",
        )
        @classmethod
        def _colors(cls, value: Optional[str]) -> Optional[str]:
            return value if value is None else _check_color(value)

        def to_theme(self) -> Theme:
            data = self.model_dump(exclude={"variables"})
            return Theme(**data, variables=dict(self.variables))

    return ThemeFile


def _problem(path: Path, exc) -> str:
    """All of a file's problems on one line: "file: key: what is wrong; key: ..."."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "top level"
        if error["type"] == "extra_forbidden":
            message = "unknown key" + _did_you_mean(str(error["loc"][-1]))
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return f"{path}: " + "; ".join(parts)


def _did_you_mean(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(_KEYS), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_theme_file(path: Path) -> Theme:
    """Read one theme file; raise ValueError with a one-line message."""
    try:
        data = load_yaml(path.read_bytes(), kind="theme")  # parsed before: read from the cache, without PyYAML
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    except YamlError as exc:
        where = f":{exc.line}" if exc.line is not None else ""
        raise ValueError(f"{path}{where}: YAML syntax error: {exc.problem}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with name, dark, primary, background ...")
    theme = _plain_theme(data)
    if theme is not None:
        return theme
    from pydantic import ValidationError

    try:
        return theme_model().model_validate(data).to_theme()
    except ValidationError as exc:
        raise ValueError(_problem(path, exc)) from None


def load_themes(config_dir: Optional[Path]) -> tuple[list[Theme], list[str]]:
    """Shipped then user themes (a user theme replaces a shipped one of the same name), and problems."""
    found: dict[str, Theme] = {}
    problems: list[str] = []
    folders = [paths.SHIPPED_THEMES]
    if config_dir is not None:
        folders.append(paths.user_themes_dir(config_dir))
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            try:
                theme = load_theme_file(path)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            found[theme.name] = theme
    return list(found.values()), problems


# Settings ------------------------------------------------------------------------


@dataclass
class Settings:
    """What the app remembers between runs (settings.yaml in the config directory)."""

    theme: str = DEFAULT_THEME
    problems: list[str] = field(default_factory=list)


def load_settings(config_dir: Optional[Path]) -> Settings:
    settings = Settings()
    if config_dir is None:
        return settings
    path = paths.settings_file(config_dir)
    if not path.is_file():
        return settings
    try:
        data = load_yaml(path.read_bytes(), kind="settings", keep=4) or {}
    except (OSError, UnicodeDecodeError, YamlError) as exc:
        settings.problems.append(f"{path}: cannot read the settings ({exc}); using defaults")
        return settings
    if not isinstance(data, dict):
        settings.problems.append(f"{path}: expected a mapping such as 'theme: relterm-dark'; using defaults")
        return settings
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme:
            settings.theme = theme
        else:
            settings.problems.append(f"{path}: theme: must be a theme name")
    return settings


def save_setting(config_dir: Optional[Path], key: str, value: str) -> None:
    """Set one key in settings.yaml, keeping the others."""
    if config_dir is None:
        return
    path = paths.settings_file(config_dir)
    import yaml

    data: dict = {}
    if path.is_file():
        try:
            loaded = load_yaml(path.read_bytes(), kind="settings", keep=4)
            if isinstance(loaded, dict):
                data = loaded
        except (OSError, UnicodeDecodeError, YamlError):
            data = {}
    data[key] = value
    paths.make_private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("# relterm settings, written by the app\n" + yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


# Readable level colours ------------------------------------------------------------


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = _luminance(a), _luminance(b)
    high, low = max(la, lb), min(la, lb)
    return (high + 0.05) / (low + 0.05)


def readable(color: Color, background: Color, minimum: float = 3.0) -> Color:
    """``color`` moved toward black or white until it reads on ``background``."""
    if contrast(color, background) >= minimum:
        return color
    target = Color(0, 0, 0) if _luminance(background) > 0.4 else Color(255, 255, 255)
    for step in range(1, 11):
        candidate = color.blend(target, step / 10)
        if contrast(candidate, background) >= minimum:
            return candidate
    return target


def level_colors(config: Config, background: Color) -> dict[str, dict[int, Color]]:
    """ladder key -> rank -> the level's colour adjusted to read on ``background``."""
    result: dict[str, dict[int, Color]] = {}
    for key, ladder in config.ladders.items():
        result[key] = {}
        for level in ladder.levels:
            try:
                base = Color.parse(level.color)
            except ColorParseError:
                base = Color(200, 200, 200)
            result[key][level.rank] = readable(base, background)
    return result


def level_variables(config: Config, background: Color) -> dict[str, str]:
    """CSS variables: ``level-N`` for the default ladder, ``level-KEY-N`` for every ladder."""
    variables: dict[str, str] = {}
    for key, ranks in level_colors(config, background).items():
        for rank, color in ranks.items():
            variables[f"level-{key}-{rank}"] = color.hex
            if key == config.default_ladder:
                variables[f"level-{rank}"] = color.hex
    return variables
