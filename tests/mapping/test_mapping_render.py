"""Markdown report and mapping documents of a real mapping (LPC176x SVD × ubertooth firmware)."""

from __future__ import annotations

from firmcorpus.mapping.render import mapping_documents, render_markdown


def test_markdown_has_sections_registers_and_code(lpc_mapping, lpc_svd, ubertooth_code):
    _, texts = ubertooth_code
    md = render_markdown(lpc_mapping, lpc_svd, texts)
    assert md.startswith("# Mapping: LPC176x5x")
    assert "## UART0" in md
    lk = next(lk for lk in lpc_mapping.links if lk.peripheral == "UART0")
    # the register row names its symbol with file:line, and the code block shows the definition
    assert f"`{lk.symbol}` ({lk.file}:{lk.line})" in md
    assert texts[lk.file].splitlines()[lk.line - 1] in md
    assert md == render_markdown(lpc_mapping, lpc_svd, texts)  # deterministic


def test_mapping_documents_pair_spec_and_code(lpc_mapping, lpc_svd, ubertooth_code):
    _, texts = ubertooth_code
    docs = mapping_documents(lpc_mapping, lpc_svd, texts)
    ids = [sid for sid, _ in docs]
    implemented = {s.section_id for s in lpc_mapping.sections if s.status in ("implemented", "partial")}
    assert ids and set(ids) <= implemented and len(ids) == len(set(ids))
    text = dict(docs)["UART0"]
    spec = text.index("Registers:")
    code = text.index("Implementation:")
    assert spec < code  # datasheet first, then the code
    assert "common/lpc17.h:" in text[code:]
    assert "#define U0LCR" in text or "U0LCR" in text[code:]
