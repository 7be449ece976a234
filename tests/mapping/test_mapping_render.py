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


def _bare_number_runs(text: str, at_least: int = 3) -> int:
    """Runs of ``at_least`` or more consecutive lines holding a bare number (bit-diagram columns)."""
    runs = n = 0
    for line in text.split("\n"):
        n = n + 1 if line.strip().isdigit() else 0
        runs += n == at_least
    return runs


def test_mapping_documents_of_a_pdf_are_clean_training_text(tmp_path, lpc_svd, ubertooth_code):
    """The LPC176x manual rendered as an ST-style PDF (as the starter set does) and read back: its
    section text carries bit diagrams one cell per line; the mapping documents carry none of
    them, and their registers come as a markdown table."""
    from firmcorpus.mapping import map_pair
    from firmcorpus.parsers.datasheet import parse_pdf
    from firmcorpus.parsers.svd_render import render_pdf
    from tests.parsers.test_svd_render import subset

    files, texts = ubertooth_code
    ds = parse_pdf(render_pdf(subset(lpc_svd, ["WDT", "UART0", "GPIO0", "TIMER0"]), tmp_path / "m.pdf", "st"))
    raw = "\n".join(s.text for s in ds.sections)
    assert _bare_number_runs(raw) > 20  # the diagrams are there to cut
    docs = mapping_documents(map_pair(ds, files, texts), ds, texts)
    assert len(docs) >= 3
    for sid, text in docs:
        assert _bare_number_runs(text) == 0, sid
        spec = text[:text.index("Implementation:")]
        table = spec[spec.index("Registers:"):].split("\n")
        assert table[2].startswith("| register | address |") and table[3].startswith("| --- |")
        assert all(line.count("|") == table[2].count("|") for line in table[4:] if line.startswith("|"))
    assert any("Bits " in text for _, text in docs)  # field descriptions of the section stay


def test_register_map_text_is_markdown(lpc_svd):
    from firmcorpus.mapping.render import register_map_text

    regs = [r for r in lpc_svd.registers if r.peripheral == "UART0"]
    text = register_map_text(regs)
    lines = text.split("\n")
    assert lines[0] == "Registers" and lines[2].startswith("| register |") and lines[3].startswith("| --- |")
    assert sum(1 for x in lines if x.startswith("Register ")) == len(regs)
    with_fields = next(r for r in regs if r.fields)
    block = text[text.index(f"Register {with_fields.name} (UART0)"):].split("\n\n")[1].split("\n")
    assert block[0].startswith("| bits | field |") and len(block) == 2 + len(with_fields.fields)
    assert not any(line.lstrip().startswith("bits ") for line in lines)  # no free-text field lines
    pipes = register_map_text([type(with_fields)(name=n, address="0x0", description="x | y") for n in ("A|B", "C")])
    assert "| A\\|B | 0x0 |" in pipes
