"""YAML aliases and anchors refused before any of relterm's files is loaded.

An alias (``*name``) repeats what an anchor (``&name``) marked. Ten lines of
aliases to aliases make a value of a billion items (the "billion laughs"):
PyYAML builds it as a web of shared lists at once, and the first walk over it
(validation, caching as JSON) takes minutes and gigabytes. relterm's own files
(levels.yaml, themes, settings) never need them, so a file holding either is
refused at its first one, with its line, before anything is built.

The check reads the file's events only (libyaml's parser when PyYAML has it),
which costs a fraction of loading it.
"""

from __future__ import annotations

from typing import Optional

import yaml

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PROBLEM = "YAML aliases and anchors (*name, &name) are not allowed in relterm's files; write the values out"


class AliasRefused(yaml.YAMLError):
    """A YAML text holds an alias or an anchor; ``line`` is 1-based (None when unknown)."""

    def __init__(self, line: Optional[int]):
        super().__init__(PROBLEM)
        self.problem = PROBLEM
        self.line = line
        self.problem_mark = None


def refuse_aliases(text: str) -> None:
    """Raise :class:`AliasRefused` at the first alias or anchor of ``text``.

    A syntax error met on the way is raised as PyYAML raises it (yaml.YAMLError).
    """
    for event in yaml.parse(text, Loader=_Parser):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = getattr(event, "start_mark", None)
            raise AliasRefused(mark.line + 1 if mark is not None else None)
