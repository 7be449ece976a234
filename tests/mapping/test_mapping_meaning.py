"""Names by meaning (issue 18): code that names a register by what it holds or does rather than by the
datasheet's mnemonic. Each test is a few hand-written lines (written for the test, no vendor code
copied) asserting the exact links ``map_repo`` gives; the address is the deciding evidence."""

from __future__ import annotations

from firmcorpus.mapping.names import meaning_match, meaning_tokens, split_identifier
from firmcorpus.mapping.repo_map import map_repo
from firmcorpus.parsers.models import Datasheet, Field, Register


def _links(texts: dict[str, str], regs: list[Register], title="KQ7731 sensor") -> set[tuple[str, str, str, int]]:
    sheet = Datasheet(source="kq7731.pdf", pages=1, title=title, registers=regs)
    res, _ = map_repo(sheet, texts)
    return {(lk.register, lk.symbol, lk.file, lk.line) for lk in res.links}


def _regs(*rows) -> list[Register]:
    return [Register(name=n, address=a) for n, a in rows]


def test_general_vocabulary_links_a_register_named_by_meaning():
    """``WHO_AM_I`` for WIA, ``TEMPERATURE_LSB/MSB`` for TEMP_OUT_L/H, ``POWER_CTL`` for PWR_MGMT:
    other words for the same thing, each at the register's address; the header lists them in name
    order, so no run of register definitions vouches for them."""
    src = ("#define KQ7731_CTRL1           0x20\n"
           "#define KQ7731_CTRL2           0x21\n"
           "#define KQ7731_POWER_CTL       0x2C\n"
           "#define KQ7731_STATUS          0x27\n"
           "#define KQ7731_TEMPERATURE_MSB 0x2B\n"
           "#define KQ7731_TEMPERATURE_LSB 0x2A\n"
           "#define KQ7731_WHO_AM_I        0x00\n")
    regs = _regs(("WIA", "0x00"), ("CTRL1", "0x20"), ("CTRL2", "0x21"), ("STATUS", "0x27"),
                 ("TEMP_OUT_L", "0x2A"), ("TEMP_OUT_H", "0x2B"), ("PWR_MGMT", "0x2C"))
    f = "src/kq7731_regs.h"
    assert _links({f: src}, regs) == {
        ("CTRL1", "KQ7731_CTRL1", f, 1), ("CTRL2", "KQ7731_CTRL2", f, 2), ("PWR_MGMT", "KQ7731_POWER_CTL", f, 3),
        ("STATUS", "KQ7731_STATUS", f, 4), ("TEMP_OUT_H", "KQ7731_TEMPERATURE_MSB", f, 5),
        ("TEMP_OUT_L", "KQ7731_TEMPERATURE_LSB", f, 6), ("WIA", "KQ7731_WHO_AM_I", f, 7)}


def test_word_glued_behind_a_qualifier_is_the_meaning():
    """``RTCSEC``/``RTCMIN``/``RTCHOUR`` named ``SECONDS``/``MINUTES``/``HOURS``, in name order,
    beside registers the code spells like the datasheet."""
    src = ("#define KQ_CONTROL  0x07\n"
           "#define KQ_EEUNLOCK 0x09\n"
           "#define KQ_HOURS    0x02\n"
           "#define KQ_MINUTES  0x01\n"
           "#define KQ_OSCTRIM  0x08\n"
           "#define KQ_SECONDS  0x00\n")
    regs = _regs(("RTCSEC", "0x00"), ("RTCMIN", "0x01"), ("RTCHOUR", "0x02"), ("CONTROL", "0x07"),
                 ("OSCTRIM", "0x08"), ("EEUNLOCK", "0x09"))
    f = "src/kq_rtc.h"
    assert _links({f: src}, regs) == {
        ("CONTROL", "KQ_CONTROL", f, 1), ("EEUNLOCK", "KQ_EEUNLOCK", f, 2), ("RTCHOUR", "KQ_HOURS", f, 3),
        ("RTCMIN", "KQ_MINUTES", f, 4), ("OSCTRIM", "KQ_OSCTRIM", f, 5), ("RTCSEC", "KQ_SECONDS", f, 6)}


def test_description_long_name_links_a_symbol_named_after_it():
    """``FIFO_ADDR_PTR`` for a register printed ``FSPTR`` whose long name is "FIFO SPI pointer"."""
    src = ("#define KQ_REG_OPMODE        0x01\n"
           "#define KQ_REG_VERSION       0x42\n"
           "#define KQ_REG_FIFO_ADDR_PTR 0x0D\n"
           "#define KQ_REG_IRQ_FLAGS     0x12\n")
    regs = [Register(name="OPMODE", address="0x01"),
            Register(name="FSPTR", address="0x0D", description="FIFO SPI pointer"),
            Register(name="IRQ_FLAGS", address="0x12"), Register(name="VERSION", address="0x42")]
    f = "src/kq_regs.h"
    assert _links({f: src}, regs) == {
        ("OPMODE", "KQ_REG_OPMODE", f, 1), ("VERSION", "KQ_REG_VERSION", f, 2),
        ("FSPTR", "KQ_REG_FIFO_ADDR_PTR", f, 3), ("IRQ_FLAGS", "KQ_REG_IRQ_FLAGS", f, 4)}


def test_single_field_names_the_register():
    """A register holding one quantity (``CONF3`` whose only field is ``GAIN``) named ``GAIN`` in the code."""
    src = ("#define KQ7731_REG_GAIN   0x0C\n"
           "#define KQ7731_REG_CONF1  0x0A\n"
           "#define KQ7731_REG_CONF2  0x0B\n"
           "#define KQ7731_REG_STATUS 0x0D\n")
    regs = [Register(name="CONF1", address="0x0A"), Register(name="CONF2", address="0x0B"),
            Register(name="CONF3", address="0x0C", fields=[Field(name="GAIN", bits="7:0")]),
            Register(name="STATUS", address="0x0D")]
    f = "src/kq7731.h"
    assert _links({f: src}, regs) == {
        ("CONF3", "KQ7731_REG_GAIN", f, 1), ("CONF1", "KQ7731_REG_CONF1", f, 2),
        ("CONF2", "KQ7731_REG_CONF2", f, 3), ("STATUS", "KQ7731_REG_STATUS", f, 4)}


def test_meaning_never_adds_to_a_name_link_or_against_a_better_fitting_register():
    """``CHIP_ID`` beside ``WIA`` at the same address: the register already has its name link, the
    meaning adds no second one; ``IRQ_STATE`` at INT_STAT's address is INT_STAT's (``state``/``stat``
    alone would also suit ``STAT``)."""
    src = ("#define KQ7731_CTRL1     0x20\n"
           "#define KQ7731_IRQ_STATE 0x06\n"
           "#define KQ7731_STAT      0x04\n"
           "#define KQ7731_WIA       0x00\n"
           "#define KQ7731_CHIP_ID   0x00\n")
    regs = _regs(("WIA", "0x00"), ("STAT", "0x04"), ("INT_STAT", "0x06"), ("CTRL1", "0x20"))
    f = "src/kq7731_regs.h"
    assert _links({f: src}, regs) == {("CTRL1", "KQ7731_CTRL1", f, 1), ("INT_STAT", "KQ7731_IRQ_STATE", f, 2),
                                      ("STAT", "KQ7731_STAT", f, 3), ("WIA", "KQ7731_WIA", f, 4)}


def test_meaning_vocabulary():
    s = split_identifier
    assert meaning_tokens(s("RTCSEC")) == ("rtc", "seconds")
    assert meaning_tokens(s("WHO_AM_I")) == ("id",)
    assert meaning_match(s("TEMP_OUT_H"), s("TEMPERATURE_MSB"))
    assert not meaning_match(s("TEMP_OUT_H"), s("TEMPERATURE_LSB"))
    assert meaning_match(("out", "xl"), ("raw", "x", "l"))
    assert not meaning_match(s("STATUS"), s("STATUS_DRDY"))  # a bit of the register, not the register
