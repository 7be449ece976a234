"""Commands named by the numbered heading above each small table (a page rendered by the test).

Interface descriptions of sensors give one section per command: a numbered heading with the
command's name, a sentence, then a small table "Protocol | Command (hex) | Description" whose row
holds the 16-bit code, and a second table of the same command in another protocol under an
"Address" header. The table rows have no name cell (only the protocol), so the heading names
the codes. Headings that name a register ("... Register") are not taken this way.
"""
from __future__ import annotations

from firmcorpus.parsers.datasheet import parse_pdf
from tests.parsers.pdf_pages import text_pdf

CMDS = [("1.4.1", "Trigger continuous measurement", "0x0010", "0x0036"),
        ("1.4.2", "Stop continuous measurement", "0x0104", "0x0037"),
        ("1.4.3", "Set measurement interval", "0x4600", "0x0025"),
        ("1.4.4", "Soft reset", "0xD304", "0x0034")]


def _section(num: str, title: str, cmd: str, addr: str, inline: bool) -> list[str]:
    head = [f"{num} {title}"] if inline else [num, title]
    return head + ["The sensor accepts this command at any time.", "Protocol", "Command (hex)", "Description",
                   "I2C", f"{cmd}, no argument", "Does what the heading says.", "Protocol", "Function Code",
                   "Address", "Data to write", "Modbus", "6", addr, "0x0001"]


def test_heading_names_the_codes_of_its_small_tables(tmp_path):
    pages = [_section(n, t, c, a, inline=(k % 2 == 1)) for k, (n, t, c, a) in enumerate(CMDS)]
    ds = parse_pdf(text_pdf(tmp_path, pages))
    got = {(r.name, int(str(r.address), 16)) for r in ds.registers}
    want = {(t, int(c, 16)) for _n, t, c, _a in CMDS} | {(t, int(a, 16)) for _n, t, _c, a in CMDS}
    assert want <= got


def test_register_headings_are_not_taken_as_command_sections(tmp_path):
    pages = [[f"8.5.{k}", f"{name} Register", "The register holds a value.", "Address", f"0x0{k}", "Reset"]
             for k, name in enumerate(("Configuration", "Status", "Limit", "Data"), start=1)]
    ds = parse_pdf(text_pdf(tmp_path, pages))
    assert not [r for r in ds.registers if r.name.endswith("Register")]
