"""Idioms of the nineteenth round of the mapping development set (issue 18: dev pairs taken as
found in manufacturers' own driver repositories of external devices), each in a few hand-written
lines (written for these tests, no vendor code copied), each asserting the exact links."""

from __future__ import annotations

from tests.mapping.idiom_pairs import repo_links as _repo_links


def test_register_file_ids_marked_by_a_suffix_fill_a_renamed_member():
    """A radio's header names each register file ``<NAME>_ID`` and follows it with its length and its
    sub-register offsets (small values equal to other files' ids). The datasheet calls file 0x0B
    ``PHR_CTRL``, the code ``PHR_IF_ID``: one shared word is no name, and between the offsets of the
    neighbouring blocks it stands in no run of register values. The ``_ID`` word that every linked
    name adds beyond its register's name marks the register block: among the ``_ID`` definitions it
    lies between its neighbours' ids, so it links; the offsets and lengths stay out."""
    blocks = [("DEV_INFO", 0x00), ("PAN_ADDR", 0x03), ("SYS_CONF", 0x04), ("SYS_TIMER", 0x06),
              ("TX_CTRL", 0x08), ("RX_WAIT", 0x09), ("OTP_PORT", 0x0A), ("PHR_IF", 0x0B), ("PWR_MGMT", 0x0C)]
    lines = []
    for name, rid in blocks:
        lines.append(f"#define {name}_ID          0x{rid:02X}  /* block */")
        lines.append(f"#define {name}_LEN         (4)")
        sub1, sub2 = (0x03, 0x08) if rid in (0x04, 0x06) else (0x04, 0x06)  # other blocks' ids
        lines.append(f"#define {name}_SUB1_OFFSET 0x{sub1:02X}")
        lines.append(f"#define {name}_SUB2_OFFSET 0x{sub2:02X}")
        lines.append(f"#define {name}_SUB2_MASK   0x000000FFUL")
    f = "include/rz/rz_regs.h"
    regs = [(n if n != "PHR_IF" else "PHR_CTRL", f"0x{a:02X}") for n, a in blocks]
    links = _repo_links({f: "\n".join(lines) + "\n"}, regs, "RZ100 UWB transceiver")
    want = {(n if n != "PHR_IF" else "PHR_CTRL", n + "_ID", f, 1 + 5 * k) for k, (n, _) in enumerate(blocks)}
    assert links == want
