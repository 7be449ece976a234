"""A register name broken mid-token over the lines of a narrow name cell, centred around its row
("TIMEBASE_CORRECTIO" above the row's line, "N_PLL" below, as in a bank register map): the header
reader's name cell joins the pieces into one identifier without a space (issue 17, names wrapped
mid-token); two stacked names of one row, or a phrase, are not glued."""

from __future__ import annotations

from firmcorpus.parsers.pdf_registers import Row


def _cell(lines: list[str], x: float = 160.0, y0: float = 100.0) -> Row:
    words = [(x, y0 + 9 * i, x + 6 * len(t), y0 + 9 * i + 8, t) for i, t in enumerate(lines)]
    return Row({2: words}, y0 + 9)


def test_identifier_wrapped_mid_token_joins():
    assert _cell(["TIMEBASE_CORRECTIO", "N_PLL"]).name_text(2) == "TIMEBASE_CORRECTION_PLL"


def test_stacked_names_and_phrases_are_not_glued():
    assert _cell(["ACCEL_XOUT_H", "ACCEL_XOUT_L"]).name_text(2) == "ACCEL_XOUT_H ACCEL_XOUT_L"
    assert _cell(["Power", "Management"]).name_text(2) == "Power Management"
    assert _cell(["PWR_MGMT", "1"]).name_text(2) == "PWR_MGMT 1"
