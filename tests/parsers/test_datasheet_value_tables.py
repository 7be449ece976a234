"""Tables whose code column holds values, not addresses, on pages the test renders itself
(issue 17, false positives): the value list of one bit field under a header that names the
field (``acc_odr`` | ``0x01 odr_0p78`` ...), and a property -> value table (``Polynomial | 0x31``,
``Reflect input | False``). Each page also carries a real register map, which must still read.
"""

from __future__ import annotations

from tests.parsers.pdf_pages import drawn_registers, ruled_table

MAP = [("0x40", "ACC_CONF"), ("0x41", "ACC_RANGE"), ("0x44", "AUX_CONF"), ("0x45", "FIFO_DOWNS"),
       ("0x46", "FIFO_WTM_0"), ("0x47", "FIFO_WTM_1")]




def _register_map(page, y0: float) -> float:
    page.insert_text((60, y0 - 8), "Table 5: Register map", fontsize=9)
    return ruled_table(page, 60, y0, [80, 120, 80], [["Register Address", "Register Name", "Default"]] +
                  [[a, n, "0x00"] for a, n in reversed(MAP)])


def test_value_list_headed_by_a_bit_field_name_is_not_a_register_map(tmp_path):
    odr = [("0x01", "odr_0p78", "25/32"), ("0x02", "odr_1p5", "25/16"), ("0x03", "odr_3p1", "25/8"),
           ("0x04", "odr_6p25", "25/4"), ("0x05", "odr_12p5", "25/2"), ("0x06", "odr_25", "25"),
           ("0x07", "odr_50", "50")]

    def draw(d):
        _register_map(d.new_page(), 80)
        p = d.new_page()  # the register's own page: its fields, then the values of one field
        p.insert_text((60, 70), "Register (0x40) ACC_CONF", fontsize=10)
        p.insert_text((60, 90), "RESET: 0xA8", fontsize=9)
        p.insert_text((60, 120), "acc_odr: output data rate in Hz; not all settings are supported in all modes.",
                      fontsize=9)
        ruled_table(p, 60, 140, [70, 110, 90], [["acc_odr", "", ""]] + [list(r) for r in odr])

    got = drawn_registers(tmp_path, draw)
    assert got == {(n, int(a, 16)) for a, n in MAP}


def test_property_value_table_is_not_a_register_map(tmp_path):
    props = [("Name", "CRC-8"), ("Width", "8 bit"), ("Protected Data", "read and/or write data"),
             ("Polynomial", "0x31 (x8 + x5 + x4 + 1)"), ("Initialization", "0xff"), ("Reflect input", "False"),
             ("Reflect output", "False"), ("Final XOR", "0x00"), ("Examples", "CRC (0xbeef) = 0x92")]

    def draw(d):
        p = d.new_page()
        y = _register_map(p, 80)
        p.insert_text((60, y + 40), "3.12 Checksum Calculation", fontsize=10)
        p.insert_text((72, y + 70), "Property", fontsize=9)
        p.insert_text((200, y + 70), "Value", fontsize=9)
        for i, (k, v) in enumerate(props):
            p.insert_text((72, y + 90 + 18 * i), k, fontsize=9)
            p.insert_text((200, y + 90 + 18 * i), v, fontsize=9)
        p.insert_text((72, y + 110 + 18 * len(props)), "Table 40: I2C CRC properties", fontsize=9)

    got = drawn_registers(tmp_path, draw)
    assert got == {(n, int(a, 16)) for a, n in MAP}


def test_two_dimensional_code_table_is_not_a_register_list(tmp_path):
    """Key scan codes: a row label (segment input) by a column label (digit output) -> the code
    read back. Every code column parses, is unique and increasing; none is a register list."""
    rows = [["Key", "DIG4", "DIG3", "DIG2", "DIG1"]]
    for i, lab in enumerate(("A/KI1", "B/KI2", "C/KI3", "D/KI4", "E/KI5", "F/KI6", "G/KI7")):
        rows.append([lab] + [f"{0x47 + 8 * i - j:02X}H" for j in range(4)])

    def draw(d):
        _register_map(d.new_page(), 80)
        p = d.new_page()
        p.insert_text((60, 60), "Key scan codes read back by the read-key command:", fontsize=9)
        ruled_table(p, 60, 80, [70, 60, 60, 60, 60], rows)

    assert drawn_registers(tmp_path, draw) == {(n, int(a, 16)) for a, n in MAP}


def test_commands_of_one_register_under_a_lone_field_header(tmp_path):
    """The values written to a command register, listed under the field's own lower-case name
    as the table's only header cell."""
    rows = [["cmd", "", ""], ["0xa0", "nvm_prog", "Writes the NVM backed registers into NVM"],
            ["0xb0", "fifo_flush", "Clears all data in the FIFO"], ["0xb6", "softreset", "Triggers a reset"]]

    def draw(d):
        _register_map(d.new_page(), 80)
        p = d.new_page()
        p.insert_text((60, 60), "cmd: available commands (the register always reads as 0x00):", fontsize=9)
        ruled_table(p, 60, 80, [60, 90, 220], rows)

    assert drawn_registers(tmp_path, draw) == {(n, int(a, 16)) for a, n in MAP}


def test_unruled_value_list_under_a_field_name_with_its_bit_range(tmp_path):
    rows = [("0x0", "Skip Frame"), ("0x1", "Sensortime Frame"), ("0x2", "Fifo_Input_Config Frame"), ("0x3", "Reserved"),
            ("0x4", "Sample Drop Frame"), ("0x5 - 0x7", "Reserved")]

    def draw(d):
        _register_map(d.new_page(), 80)
        p = d.new_page()
        p.insert_text((60, 60), "Control frames are defined through the fh_parm field, as shown below; a skip frame", fontsize=9)
        p.insert_text((60, 72), "indicates the number of frames skipped after an overrun.", fontsize=9)
        p.insert_text((60, 100), "fh_mode<3:0>", fontsize=9)
        p.insert_text((200, 100), "Definition", fontsize=9)
        for i, (a, n) in enumerate(rows):
            p.insert_text((60, 116 + 16 * i), a, fontsize=9)
            p.insert_text((200, 116 + 16 * i), n, fontsize=9)

    assert drawn_registers(tmp_path, draw) == {(n, int(a, 16)) for a, n in MAP}
