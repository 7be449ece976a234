"""Idioms of the sixteenth round of the mapping development set (issue 18: dev pairs taken as
found in manufacturers' own code), each in a few hand-written lines (written for these tests, no
vendor code copied), each asserting the exact link."""

from __future__ import annotations

from firmcorpus.mapping.constants import parse_constants
from tests.mapping.idiom_pairs import repo_links as _repo_links

_PY_REGS = [("WHO_AM_I", "0x0f"), ("CTRL1", "0x18"), ("CTRL2", "0x19"), ("STATUS", "0x1a"),
            ("OUT_X", "0x20"), ("OUT_Y", "0x22"), ("FIFO_CFG", "0x30")]


def test_python_register_class_sets_constants_in_init():
    """A generated Python register file is a class whose ``__init__`` sets one upper-case
    attribute per register (``self.QA9_CTRL1 = 0x18  # doc``); a second class of bit values in
    the same form follows, and ordinary instance state (``self.count = 0``) sits in the driver.
    Each register links to its attribute; lower-case state is no constant."""
    regs_py = ("class register_base: pass\n"
               "class registers(register_base):\n"
               "\tdef __init__(self):\n"
               "\t\tself.QA9_WHO_AM_I = 0x0F   # identification\n"
               "\t\tself.QA9_CTRL1 = 0x18      # control 1\n"
               "\t\tself.QA9_CTRL2 = 0x19\n"
               "\t\tself.QA9_STATUS = 0x1A\n"
               "\t\tself.QA9_OUT_X = 0x20      # lsb first\n"
               "\t\tself.QA9_OUT_Y = 0x22\n"
               "\t\tself.QA9_FIFO_CFG = 0x30\n"
               "class bits(register_base):\n"
               "\tdef __init__(self):\n"
               "\t\tself.QA9_CTRL1_PC1 = (0x01 << 7)\n"
               "\t\tself.QA9_WHO_AM_I_WAI_ID = (0x3D << 0)\n")
    driver_py = ("from qa9_registers import registers, bits\n"
                 "r = registers()\n"
                 "class QA9Driver:\n"
                 "    def __init__(self):\n"
                 "        self.count = 0x18\n"
                 "        self.address = 0x1E\n"
                 "    def start(self):\n"
                 "        self.write(r.QA9_CTRL1, 0x80)\n")
    cf = parse_constants("qa9/qa9_registers.py", regs_py)
    assert {s.name for s in cf.symbols} >= {"QA9_CTRL1", "QA9_WHO_AM_I_WAI_ID"}
    assert not {s.name for s in parse_constants("qa9/qa9_driver.py", driver_py).symbols} & {"count", "address"}
    texts = {"qa9/qa9_registers.py": regs_py, "qa9/qa9_driver.py": driver_py}
    assert _repo_links(texts, _PY_REGS, "QA9 accelerometer") == {
        ("WHO_AM_I", "QA9_WHO_AM_I", "qa9/qa9_registers.py", 4),
        ("CTRL1", "QA9_CTRL1", "qa9/qa9_registers.py", 5),
        ("CTRL2", "QA9_CTRL2", "qa9/qa9_registers.py", 6),
        ("STATUS", "QA9_STATUS", "qa9/qa9_registers.py", 7),
        ("OUT_X", "QA9_OUT_X", "qa9/qa9_registers.py", 8),
        ("OUT_Y", "QA9_OUT_Y", "qa9/qa9_registers.py", 9),
        ("FIFO_CFG", "QA9_FIFO_CFG", "qa9/qa9_registers.py", 10),
    }


_WIDTH_REGS = [("R32_QDC_STATR", "0x00"), ("R32_QDC_CTLR1", "0x04"), ("R32_QDC_CTLR2", "0x08"),
               ("R32_QDC_SMPR", "0x0c"), ("R32_QDC_DATAR", "0x10")]


def test_width_tagged_register_names_find_their_peripheral_struct():
    """A reference manual prints each register with a width tag before the peripheral's name
    (``R32_QDC_STATR``), the vendor header spells the registers as members of one struct per
    peripheral (``QDC_TypeDef``), other peripherals' structs repeat member names (``STATR``,
    ``CTLR1``) at other offsets. The tag is no part of the peripheral: each register links to the
    member of the QDC struct."""
    header = ("#include <stdint.h>\n"
              "#define __IO volatile\n"
              "typedef struct\n"
              "{\n"
              "  __IO uint32_t CTLR1;\n"
              "  __IO uint32_t CTLR2;\n"
              "  __IO uint32_t STATR;\n"
              "} TMX_TypeDef;\n"
              "\n"
              "typedef struct\n"
              "{\n"
              "  __IO uint32_t STATR;\n"
              "  __IO uint32_t CTLR1;\n"
              "  __IO uint32_t CTLR2;\n"
              "  __IO uint32_t SMPR;\n"
              "  __IO uint32_t DATAR;\n"
              "} QDC_TypeDef;\n"
              "\n"
              "#define QDC1_BASE (0x40012400)\n"
              "#define QDC1 ((QDC_TypeDef *) QDC1_BASE)\n"
              "#define QDC_EOC ((uint8_t)0x02)\n")
    texts = {"lib/inc/qv70x.h": header,
             "lib/src/qv70x_qdc.c": '#include "qv70x.h"\nvoid QDC_Start(QDC_TypeDef *q) { q->CTLR2 |= 1; }\n'}
    assert _repo_links(texts, _WIDTH_REGS, "QV707 QDC") == {
        ("R32_QDC_STATR", "QDC_TypeDef.STATR", "lib/inc/qv70x.h", 12),
        ("R32_QDC_CTLR1", "QDC_TypeDef.CTLR1", "lib/inc/qv70x.h", 13),
        ("R32_QDC_CTLR2", "QDC_TypeDef.CTLR2", "lib/inc/qv70x.h", 14),
        ("R32_QDC_SMPR", "QDC_TypeDef.SMPR", "lib/inc/qv70x.h", 15),
        ("R32_QDC_DATAR", "QDC_TypeDef.DATAR", "lib/inc/qv70x.h", 16),
    }
