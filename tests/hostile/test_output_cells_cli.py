"""The CLI's tables line up in terminal cells: CJK and emoji take two cells, combining marks none."""

from __future__ import annotations

from rich.cells import cell_len


def test_list_columns_line_up_with_wide_and_combining_characters(core, run_cli):
    people = [("Ada Lovelace", "Engines"), ("山田太郎", "東京電力"), ("Zoe\u0301 Park", "Cafe\u0301 Noir"),
              ("Sam 🙂 Lee", "Smile Co")]
    for name, company in people:
        core.add_contact(name, level=2, company=company, sphere="business")
    core.close()
    result = run_cli("list")
    assert result.code == 0, result
    lines = result.out.splitlines()
    starts = set()
    for name, company in people:
        line = next(line for line in lines if line.startswith(name) or name in line)
        before = line[: line.index(company)]
        starts.add(cell_len(before))
    assert len(starts) == 1, lines


def test_the_cli_counts_cells_as_the_tui_does():
    from rich.cells import cell_len

    from relterm.cli.output import _cells, _fit

    for text in ("Ada", "山田太郎", "Zoe\u0301", "Sam 🙂 Lee", "Café Noir", "한국어", "ｆｕｌｌ"):
        assert _cells(text) == cell_len(text), text
    assert _cells(_fit("山田太郎東京電力", 7)) <= 7
