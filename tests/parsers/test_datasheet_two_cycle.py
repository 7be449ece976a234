"""Command tables of two-cycle commands on pages the test renders itself (issue 17): the first-cycle
code repeats (00h for three read commands) and the second-cycle code, printed for some rows only,
makes every row unique, so the table is a command map and not a value table; and a feature-address
table whose first row is "N.A" (no feature there)."""

from __future__ import annotations

from tests.parsers.pdf_pages import drawn_registers, ruled_table

CMDS = [("PAGE READ", "00h", "30h"), ("READ for COPY BACK", "00h", "35h"), ("SEQUENTIAL CACHE READ", "31h", ""),
        ("RANDOM CACHE READ", "00h", "31h"), ("LAST ADDRESS CACHE READ", "3Fh", ""), ("READ ID", "90h", ""),
        ("READ STATUS", "70h", ""), ("RESET", "FFh", ""), ("PAGE PROGRAM", "80h", "10h"),
        ("PROGRAM for COPY BACK", "85h", "10h"), ("CACHE PROGRAM", "80h", "15h"), ("BLOCK ERASE", "60h", "D0h"),
        ("RANDOM DATA INPUT", "85h", ""), ("RANDOM DATA OUTPUT", "05h", "E0h"), ("READ PARAMETER PAGE", "ECh", ""),
        ("GET FEATURES", "EEh", ""), ("SET FEATURES", "EFh", "")]


def test_two_cycle_command_table_reads_every_command(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "8. COMMAND TABLE", fontsize=10)
        ruled_table(p, 60, 70, [170, 90, 90, 90], [["COMMAND", "1st CYCLE", "2nd CYCLE", "Acceptable during busy"]] +
                    [[n, a, b, "Yes" if n.startswith(("READ STATUS", "RESET")) else ""] for n, a, b in CMDS],
                    row_h=15)

    got = drawn_registers(tmp_path, draw)
    assert got == {(n.replace(" ", ""), int(a[:-1], 16)) for n, a, _b in CMDS}


def test_not_applicable_row_is_no_register(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "9.6 FEATURE OPERATION", fontsize=10)
        rows = [("00h", "N.A"), ("01h", "Timing mode"), ("02h-7Fh", "Reserved"), ("80h", "Drive strength"),
                ("81h", "Pull-down strength"), ("82h-FFh", "Reserved")]
        ruled_table(p, 60, 80, [110, 200], [["Feature address", "Description"]] + [list(r) for r in rows])
        p.insert_text((150, 200), "Table 9.5 Features", fontsize=9)

    got = drawn_registers(tmp_path, draw)
    assert ("N.A", 0) not in got
    assert {("Timingmode", 1), ("Drivestrength", 0x80), ("Pull-downstrength", 0x81)} <= got
