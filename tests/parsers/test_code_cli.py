"""``firmcorpus code``: JSON contract for a file and a folder, --kind, errors that say what to do."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from firmcorpus.cli import app


def _tree(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "regs.h").write_text("#define UART_BASE 0x40001000UL\n#define UART_CR (UART_BASE + 4)\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "uart.c").write_text('#include "regs.h"\nint uart_init(void) { return 0; }\n')
    (tmp_path / "README.md").write_text("not code\n")
    return tmp_path


def test_code_json_folder_and_file(tmp_path):
    root = _tree(tmp_path)
    r = CliRunner().invoke(app, ["code", str(root), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert [f["path"] for f in d["files"]] == ["inc/regs.h", "src/uart.c"]
    assert d["include_graph"] == {"src/uart.c": ["inc/regs.h"]}
    regs = d["files"][0]
    assert set(regs) >= {"path", "language", "symbols", "includes", "flags", "parse_errors"}
    cr = next(s for s in regs["symbols"] if s["name"] == "UART_CR")
    assert (cr["kind"], cr["value"], cr["int_value"], cr["start_line"]) == ("macro", "(UART_BASE + 4)", 0x40001004, 2)
    r = CliRunner().invoke(app, ["code", str(root / "src" / "uart.c"), "--json", "--kind", "function"])
    f = json.loads(r.output)
    assert f["path"] == "uart.c" and [s["name"] for s in f["symbols"]] == ["uart_init"]


def test_code_table_and_errors(tmp_path):
    root = _tree(tmp_path)
    r = CliRunner().invoke(app, ["code", str(root / "inc" / "regs.h")])
    assert r.exit_code == 0 and "UART_CR" in r.output and "0x40001004" in r.output
    r = CliRunner().invoke(app, ["code", str(root), "--kind", "bogus"])
    assert r.exit_code != 0 and "--kind must be one of" in _flat(r.output)
    r = CliRunner().invoke(app, ["code", str(root / "missing.c")])
    assert r.exit_code != 0 and "does not exist: give a source file or a folder" in _flat(r.output)


def _flat(out: str) -> str:
    """Error text without rich's box and line wrapping."""
    return " ".join(out.replace("│", " ").split())
