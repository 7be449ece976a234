"""Ruled bit-matrix maps with a narrow name column, on pages the test renders itself (issue 17):
names broken mid-token over the lines of their cell (``PWR_CT`` / ``RL``) beside bit columns of
lower-case field names, on a page that continues the map without its header; and a
feature-configuration table whose address cells are ``0x5E:`` over an offset, beside a column
of default values that must not be read as addresses.
"""

from __future__ import annotations

from tests.parsers.pdf_pages import drawn_registers, ruled_table

MAP = [("0x47", "FIFO_W\nTM_1", "reserved", "fifo_water_mark_12_8"), ("0x46", "FIFO_W\nTM_0", "fifo_water_mark_7_0", ""),
       ("0x45", "FIFO_D\nOWNS", "acc_fifo_filt_data", "acc_fifo_downs"), ("0x44", "AUX_CO\nNF", "aux_offset", "aux_odr"),
       ("0x41", "ACC_RA\nNGE", "reserved", "acc_range"), ("0x40", "ACC_CO\nNF", "acc_perf_mode", "acc_odr"),
       ("0x2A", "INTERN\nAL_STAT\nUS", "odr_high_error", "axes_remap_error"),
       ("0x27", "ACTIVIT\nY_TYPE", "reserved", "activity_out")]


def test_names_broken_mid_token_beside_field_columns(tmp_path):
    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "Register map (continued)", fontsize=9)
        ruled_table(p, 60, 80, [50, 45, 40, 150, 150], [[a, n, "0x00", f1, f2] for a, n, f1, f2 in MAP], row_h=36.0,
                    fontsize=7, middle=True)

    want = {(n.replace("\n", ""), int(a, 16)) for a, n, _f1, _f2 in MAP}
    assert drawn_registers(tmp_path, draw) == want


def test_block_offset_pairs_leave_the_default_column_unread(tmp_path):
    vals = ["0x00", "0x01", "0x46", "0x0C", "0xE6", "0xEC", "0x04", "0xC3", "0x85", "0x6C"]

    def draw(d):
        p = d.new_page()
        p.insert_text((60, 60), "Feature configuration: register 0x5E, offsets below", fontsize=9)
        # five text lines a row, as printed: the name broken over four, "0x5E:" on the second,
        # the default value and the parameter on the third, the offset on the fourth
        rows = [[f"\n0x5E:\n\n0x{0x1D - i:02X}\n", f"step_cou\nnter.setti\n\nngs_{13 - i // 2}[{1 - i % 2}\n]",
                 f"\n\n{v}\n\n", f"\n\nparam_{13 - i // 2}\n\n"] for i, v in enumerate(vals)]
        ruled_table(p, 60, 80, [50, 60, 50, 120], rows, row_h=60.0, fontsize=7, middle=True)

    assert drawn_registers(tmp_path, draw) == set()
