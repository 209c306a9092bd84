"""The intelligence commands as real processes: no Textual, clean errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_intel_and_its_commands_do_not_import_textual(db_path):
    code = """
        import sys
        import relterm.intel, relterm.cli.intel
        from relterm.cli import main
        for argv in (["add", "Tom", "--level", "4"], ["intro", "Tom", "Doug"], ["due"], ["reach"], ["names", "Tom"],
                     ["path", "Doug"], ["balance"], ["stats"], ["suggest"], ["matrix"], ["levels", "--history"],
                     ["review", "Tom", "--continue", "x"], ["snooze", "Tom", "3"], ["list", "--sort", "urgency"]):
            try:
                main(argv)
            except SystemExit as exc:
                assert not exc.code, (argv, exc.code)
        print("RESULT", sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")))
    """
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "RESULT []"


def test_an_early_ask_exits_2_without_a_traceback_and_writes_nothing(run_cli):
    assert run_cli("add", "Ann", "--level", "1").code == 0
    result = run_cli("log", "Ann", "--kind", "ask", "Any work?")
    assert result.code == 2 and "Traceback" not in result.err
    assert "Level 1 Researched: asking for business now is likely too early" in result.err
    assert len(run_cli("show", "Ann", "--json").json()["timeline"]) == 1
    cycle = run_cli("intro", "Ann", "Ann")
    assert cycle.code == 2 and "Traceback" not in cycle.err
