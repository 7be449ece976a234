"""Idioms of the twelfth round of the mapping development set (issue 18: the idioms the dev half
lacked), each in a few hand-written lines (written for these tests, no vendor code copied), each
asserting the exact link."""

from __future__ import annotations

from firmcorpus.mapping.core import map_pair
from firmcorpus.parsers.code import parse_code
from firmcorpus.parsers.models import Datasheet, Register
from tests.mapping.idiom_pairs import repo_links as _repo_links


def _links(files: dict[str, str], regs, title="QV2290 gyroscope") -> set[tuple[str, str, str, int]]:
    parsed = [parse_code(p, t.encode()) for p, t in files.items()]
    sheet = Datasheet(source="qv2290.pdf", pages=1, title=title,
                      registers=[Register(name=n, address=a, peripheral=sp) for n, a, *rest in regs
                                 for sp in [rest[0] if rest else None]])
    res = map_pair(sheet, parsed, files)
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}


def test_spi_command_constants_carry_the_address_under_an_access_prefix():
    """``const uint8_t RdCmd_ID = 0x8D;`` (address | 0x80, the read bit) and ``RdCmd_GX_LO = 0xE2``
    (| 0xC0, read with auto-increment) beside ``WrCmd_MODE1 = 0x12`` (the address): the access prefix
    names no register; each register links once, to the constant valued at its address where there is
    one, else to its read command."""
    src = ("// qv2290 command bytes\n"
           "const uint8_t RdCmd_ID = 0x8D;\n"
           "const uint8_t RdCmd_MODE1 = 0x92;\n"
           "const uint8_t WrCmd_MODE1 = 0x12;\n"
           "const uint8_t RdCmd_MODE2 = 0x93;\n"
           "const uint8_t RdCmd_FLAGS = 0x9A;\n"
           "const uint8_t RdCmd_GX_LO = 0xE2;\n"
           "const uint8_t RdCmd_GX_HI = 0xE3;\n")
    regs = [("ID", "0x0D"), ("MODE1", "0x12"), ("MODE2", "0x13"), ("FLAGS", "0x1A"), ("GX_LO", "0x22"),
            ("GX_HI", "0x23")]
    assert _links({"qv2290_cmd.h": src}, regs) == {
        ("ID", "RdCmd_ID", "qv2290_cmd.h", 2),
        ("MODE1", "WrCmd_MODE1", "qv2290_cmd.h", 4),
        ("MODE2", "RdCmd_MODE2", "qv2290_cmd.h", 5),
        ("FLAGS", "RdCmd_FLAGS", "qv2290_cmd.h", 6),
        ("GX_LO", "RdCmd_GX_LO", "qv2290_cmd.h", 7),
        ("GX_HI", "RdCmd_GX_HI", "qv2290_cmd.h", 8),
    }


# a small AVR-style course library: one source defines an I/O-space accessor (the literal is the
# I/O address, the value the data-space address), the others use it without defining it and are
# included after it by the programs; only a program names the part
_AVR_LIB = {
    "avrlib/ports.c": ("#define IO_OFFSET 0x20\n"
                       "#define MEM8(a) (*(volatile unsigned char *)(a))\n"
                       "#define IOREG(io) MEM8((io) + IO_OFFSET)\n"
                       "#define PORTK IOREG(0x1B)\n"
                       "#define DDRK IOREG(0x1A)\n"
                       "#define PINK IOREG(0x19)\n"
                       "enum { PK0, PK1, PK2, PK3, PK4, PK5, PK6, PK7 };\n"),
    "avrlib/serial.c": ("#define SCTL IOREG(0x0D)\n"
                        "#define SSTAT IOREG(0x0E)\n"
                        "#define SDATA IOREG(0x0F)\n"
                        "void serial_init(void) { SCTL = 0x50; }\n"),
    "avrlib/demo.c": ("/* build: avr-gcc -mmcu=qvmega12 demo.c */\n"
                      "#include \"ports.c\"\n"
                      "int main(void) { DDRK = 0xFF; for (;;) PORTK ^= 1; }\n"),
}
_AVR_REGS = [("PORTK", "0x1B"), ("DDRK", "0x1A"), ("PINK", "0x19"), ("SDATA", "0x0F"), ("SSTAT", "0x0E"),
             ("SCTL", "0x0D"), ("UBRH", "0x20"), ("TWS", "0x01"), ("TWA", "0x02")]


def test_sources_that_use_a_candidates_io_accessor_are_read_with_it():
    """``#define SCTL IOREG(0x0D)`` in a source that neither defines ``IOREG`` nor names the part, in
    the folder of a candidate that defines it: the source is a candidate too, and its registers take
    the accessor's value (address + 0x20, the I/O-space transform of the block)."""
    got = _repo_links(_AVR_LIB, _AVR_REGS, "QVmega12 microcontroller")
    assert {lk for lk in got if lk[2] == "avrlib/serial.c"} == {
        ("SCTL", "SCTL", "avrlib/serial.c", 1),
        ("SSTAT", "SSTAT", "avrlib/serial.c", 2),
        ("SDATA", "SDATA", "avrlib/serial.c", 3),
    }


def test_the_offset_an_io_accessor_adds_is_no_register():
    """``IO_OFFSET 0x20``, the constant the accessor adds to every register's I/O address, is valued
    at a register's address (UBRH, 0x20) but is the address space's offset, not that register."""
    got = _repo_links(_AVR_LIB, _AVR_REGS, "QVmega12 microcontroller")
    assert {lk for lk in got if lk[2] == "avrlib/ports.c"} == {
        ("PORTK", "PORTK", "avrlib/ports.c", 4),
        ("DDRK", "DDRK", "avrlib/ports.c", 5),
        ("PINK", "PINK", "avrlib/ports.c", 6),
    }


def test_a_descriptor_table_alternating_read_and_write_registers_links_each_by_name():
    """``[QT_C1_STATUS] = { 0x0ba, 2 }, /* read */`` right after ``[QT_C1_SETUP] = { 0x0ba, 2 }, /* write */``:
    read and write registers share offsets and alternate line by line, the datasheet lists them in a
    read and a write space; the neighbouring lines' spaces do not outweigh the names."""
    src = ("struct qt_reg { unsigned int offset; unsigned int size; };\n"
           "static const struct qt_reg qt_regs[QT_NUM_REGS] = {\n"
           "\t[QT_C0_ACK]\t= { 0x004, 2 },\t/* write */\n"
           "\t[QT_C0_STATUS]\t= { 0x004, 2 },\t/* read */\n"
           "\t[QT_C0_SETUP]\t= { 0x0b8, 2 },\t/* write */\n"
           "\t[QT_C0_LEVEL]\t= { 0x0b8, 2 },\t/* read */\n"
           "\t[QT_C1_SETUP]\t= { 0x0ba, 2 },\t/* write */\n"
           "\t[QT_C1_STATUS]\t= { 0x0ba, 2 },\t/* read */\n"
           "\t[QT_C2_ACK]\t= { 0x104, 2 },\t/* write */\n"
           "\t[QT_C2_STATUS]\t= { 0x104, 2 },\t/* read */\n"
           "};\n")
    regs = [("C0 Acknowledge", "0x004", "write"), ("C0 Status", "0x004", "read"), ("C0 Setup", "0x0b8", "write"),
            ("C0 Level", "0x0b8", "read"), ("C1 Setup", "0x0ba", "write"), ("C1 Status", "0x0ba", "read"),
            ("C2 Acknowledge", "0x104", "write"), ("C2 Status", "0x104", "read")]
    got = _links({"qt_tio.c": src}, regs, title="QT6610 counter")
    assert {lk for lk in got if lk[0].startswith("C1")} == {
        ("C1 Setup", "qt_regs[QT_C1_SETUP]", "qt_tio.c", 7),
        ("C1 Status", "qt_regs[QT_C1_STATUS]", "qt_tio.c", 8),
    }


def test_a_bank_number_above_the_address_reaches_the_numbered_bank():
    """A hardware monitor whose datasheet numbers its register banks and whose driver writes the bank
    above the 8-bit index (``#define HM_REG_FMS1 0x201``: bank 2, index 0x01; the bus code selects bank
    ``reg >> 8``): the members decode to their bank's registers; bank-0 members stay plain."""
    src = ("#define HM_REG_BANKSEL\t\t0x00\n"
           "#define HM_REG_CONFIG\t\t0x01\n"
           "#define HM_REG_CONFIG_START\t0x01\n"
           "#define HM_REG_VCTRL1\t\t0x02\n"
           "#define HM_REG_FMS1\t\t0x201\n"
           "#define HM_REG_FMS2\t\t0x208\n"
           "#define HM_REG_FOMC\t\t0x20F\n"
           "#define HM_REG_DTSC\t\t0x301\n"
           "#define HM_REG_DTSE\t\t0x302\n")
    regs = [("Bank Select", "0x00", "bank 0"), ("Configuration", "0x01", "bank 0"),
            ("Voltage Control 1", "0x02", "bank 0"),
            ("Fan Mode Selection 1", "0x01", "bank 2"), ("Fan Mode Selection 2", "0x08", "bank 2"),
            ("Fan Output Mode Control", "0x0f", "bank 2"), ("DTS Configuration", "0x01", "bank 3"),
            ("DTS Enable", "0x02", "bank 3")]
    got = _links({"hm7795.c": src}, regs, title="HM7795 hardware monitor")
    assert {lk for lk in got if lk[3] >= 5} == {
        ("Fan Mode Selection 1", "HM_REG_FMS1", "hm7795.c", 5),
        ("Fan Mode Selection 2", "HM_REG_FMS2", "hm7795.c", 6),
        ("Fan Output Mode Control", "HM_REG_FOMC", "hm7795.c", 7),
        ("DTS Configuration", "HM_REG_DTSC", "hm7795.c", 8),
        ("DTS Enable", "HM_REG_DTSE", "hm7795.c", 9),
    }


def test_a_per_instance_run_macro_links_the_numbered_registers_it_steps_through():
    """``#define QX_REG_BEEP_EN(index) (0x50 + (index))``: one register per instance, one apart, whose
    name carries no placeholder; the datasheet prints and numbers each (``Beep Enable 1`` at 0x50):
    instance k links register k + 1 (the address tells the count)."""
    src = ("#define QX_REG_CONFIG\t\t0x40\n"
           "#define QX_REG_ALARM_CTRL\t0x41\n"
           "#define QX_REG_BEEP_EN(index)\t(0x50 + (index))\n"
           "#define QX_REG_OVT_CFG\t\t0x58\n")
    regs = [("Configuration", "0x40"), ("Alarm Control", "0x41"), ("Beep Enable 1", "0x50"),
            ("Beep Enable 2", "0x51"), ("Beep Enable 3", "0x52"), ("Over Temperature Config", "0x58")]
    got = _links({"qx83.c": src}, regs, title="QX83 hardware monitor")
    assert {lk for lk in got if lk[0].startswith("Beep")} == {
        ("Beep Enable 1", "QX_REG_BEEP_EN", "qx83.c", 3),
        ("Beep Enable 2", "QX_REG_BEEP_EN", "qx83.c", 3),
        ("Beep Enable 3", "QX_REG_BEEP_EN", "qx83.c", 3),
    }


def test_a_run_macro_does_not_take_registers_whose_number_names_their_block():
    """``#define QX_REG_SLV_ADDR(x) (0x25 + 3 * (x))`` steps through blocks of three registers that the
    datasheet names ``SLV0_ADDR``, ``SLV1_ADDR``: the number says which block, not which register of a
    numbered run, so the run's instance names (``..._ADDR_1``) do not claim them."""
    src = ("#define QX_REG_USER_CTRL\t0x6A\n"
           "#define QX_REG_SLV_ADDR(x)\t(0x25 + 3 * (x))\n"
           "#define QX_REG_SLV_CTRL(x)\t(0x27 + 3 * (x))\n"
           "#define QX_REG_PWR_MGMT_1\t0x6B\n")
    regs = [("SLV0_ADDR", "0x25"), ("SLV0_CTRL", "0x27"), ("SLV1_ADDR", "0x28"), ("SLV1_CTRL", "0x2A"),
            ("USER_CTRL", "0x6A"), ("PWR_MGMT_1", "0x6B")]
    got = _links({"qx60.h": src}, regs, title="QX60 motion sensor")
    assert got == {("USER_CTRL", "QX_REG_USER_CTRL", "qx60.h", 1), ("PWR_MGMT_1", "QX_REG_PWR_MGMT_1", "qx60.h", 4)}
