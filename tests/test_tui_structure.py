"""The TUI's house rules, checked statically (no app is started).

* The views and the app use the main screen through its public API only: no
  ``main._something``, so the main screen's parts can change without breaking them.
* The main screen, its parts, its flows and its popups get a worker's result
  back one way: awaited on the UI thread (``relterm.tui.workers.in_thread``),
  never by a callback from the thread (``call_from_thread``), except the import's
  progress bar, which is progress and not a result.
"""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parent.parent / "relterm" / "tui"


def _main_screen_expression(node: ast.AST) -> bool:
    """``main``, ``self.main``, ``self.app.main_screen``, ``app.main_screen``: the main screen."""
    if isinstance(node, ast.Name):
        return node.id in ("main", "main_screen")
    if isinstance(node, ast.Attribute):
        return node.attr in ("main", "main_screen")
    return False


def _private_uses_of_main(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and _main_screen_expression(node.value)):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_views_and_the_app_use_only_the_main_screens_public_api():
    outside = [TUI / "app.py", TUI / "commands.py", *sorted((TUI / "screens").glob("*.py"))]
    outside = [p for p in outside if not p.name.startswith("main")]
    assert any(p.name == "agenda.py" for p in outside)
    found = [use for path in outside for use in _private_uses_of_main(path)]
    assert found == []


def test_the_check_sees_a_private_use(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text("def f(self):\n    self.main._refresh_contact(1)\n    self.app.main_screen._db(2)\n"
                      "    self.main.show_contact(3)\n")
    assert len(_private_uses_of_main(sample)) == 2


def test_every_screen_and_flow_awaits_worker_results_instead_of_calling_back():
    # The views too (agenda, circles, matrix, archive): one way for a loader to hand its result back.
    modules = [*sorted((TUI / "screens").glob("*.py")), TUI / "flows.py", TUI / "workers.py",
               *sorted((TUI / "modals").glob("*.py"))]
    callbacks = []
    for path in modules:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "call_from_thread(" in line and "progress.advance" not in line:
                callbacks.append(f"{path.name}:{number}: {line.strip()}")
    assert callbacks == []
