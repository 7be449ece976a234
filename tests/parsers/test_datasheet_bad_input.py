"""Bad PDF input: encrypted, not a PDF, corrupt or truncated, zero pages, scanned, 1,000 pages.

None of them may stop a build: ``parse_pdf`` returns a ``Datasheet`` with ``warnings`` or
raises one of the typed ``ParseError``s (which the datasheet step records as drops).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from firmcorpus.core.paths import shared_data_dir
from firmcorpus.parsers.datasheet import load_datasheet, parse_pdf
from firmcorpus.parsers.models import Datasheet, EncryptedPDFError, NotAPDFError, ParseError

DATA = (shared_data_dir() or Path("/nonexistent")) / "datasheets"
REAL = DATA / "adi_adxl345__libdriver.pdf"


def text_pdf(path: Path, pages: list[str]) -> Path:
    doc = pymupdf.open()
    for t in pages:
        doc.new_page().insert_text((72, 72), t, fontsize=10)
    doc.save(path)
    return path


def test_encrypted_pdf_raises_a_clear_error(tmp_path):
    src = text_pdf(tmp_path / "plain.pdf", ["Register 0x10 CTRL"])
    doc = pymupdf.open(src)
    doc.save(tmp_path / "enc.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(EncryptedPDFError) as e:
        parse_pdf(tmp_path / "enc.pdf")
    assert "password" in str(e.value) and e.value.reason == "encrypted_pdf"
    assert isinstance(e.value, ParseError)


def test_owner_password_only_pdf_is_read(tmp_path):
    src = text_pdf(tmp_path / "plain.pdf", ["Some text about registers"])
    pymupdf.open(src).save(tmp_path / "owner.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner",
                           permissions=0)
    ds = parse_pdf(tmp_path / "owner.pdf")
    assert ds.pages == 1 and ds.sections


@pytest.mark.parametrize("data", [b"", b"hello world, not a pdf", b"PK\x03\x04" + b"\x00" * 200,
                                  b"<?xml version='1.0'?><device/>"])
def test_not_a_pdf(tmp_path, data):
    with pytest.raises(NotAPDFError):
        parse_pdf(data)
    p = tmp_path / "x.pdf"
    p.write_bytes(data)
    with pytest.raises(NotAPDFError):
        parse_pdf(p)


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(NotAPDFError):
        parse_pdf(tmp_path / "nope.pdf")
    (tmp_path / "notes.txt").write_text("plain text")
    with pytest.raises(ParseError):
        load_datasheet(tmp_path / "notes.txt")


@pytest.mark.skipif(not REAL.exists(), reason="shared datasheets not present")
@pytest.mark.parametrize("keep", [0.15, 0.5, 0.9])
def test_truncated_pdf_is_total(keep):
    data = REAL.read_bytes()
    cut = data[: int(len(data) * keep)]
    try:
        ds = parse_pdf(cut)
    except NotAPDFError:
        return  # unusable and said so
    assert isinstance(ds, Datasheet) and ds.pages >= 0


@pytest.mark.skipif(not REAL.exists(), reason="shared datasheets not present")
def test_corrupt_bytes_in_the_middle_are_total():
    data = bytearray(REAL.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 20000] = b"\x00garbage\xff" * 2000
    try:
        ds = parse_pdf(bytes(data))
    except NotAPDFError:
        return
    # the register map page survives or a warning says what was lost
    assert ds.registers or ds.warnings


def test_zero_pages(tmp_path):
    raw = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
           b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
           b"trailer\n<< /Root 1 0 R /Size 3 >>\n%%EOF\n")
    p = tmp_path / "empty.pdf"
    p.write_bytes(raw)
    ds = parse_pdf(p)
    assert ds.pages == 0 and ds.registers == [] and any("no pages" in w for w in ds.warnings)


@pytest.mark.skipif(not REAL.exists(), reason="shared datasheets not present")
def test_scanned_pdf_without_text_layer_is_recorded_not_ocred(tmp_path):
    src = pymupdf.open(REAL)
    doc = pymupdf.open()
    for pno in (0, 23):  # the cover and the register map, as images
        pix = src[pno].get_pixmap(dpi=50)
        page = doc.new_page(width=src[pno].rect.width, height=src[pno].rect.height)
        page.insert_image(page.rect, pixmap=pix)
    doc.save(tmp_path / "scan.pdf")
    ds = parse_pdf(tmp_path / "scan.pdf")
    assert ds.pages == 2 and ds.registers == []
    assert any("no text layer" in w and "OCR" in w for w in ds.warnings)


def make_long_pdf(path: Path, n_pages: int = 1000) -> int:
    """A long manual: prose pages with numbered headings, a register table every 100 pages.
    Returns the number of planted registers."""
    doc = pymupdf.open()
    planted = 0
    sentence = ("The peripheral is clocked from the bus clock and writes take effect on the next cycle; "
                "reading a reserved bit returns zero.")
    prose = "\n".join(f"{sentence} ({k})" for k in range(15))
    for i in range(n_pages):
        page = doc.new_page()
        if i % 100 == 50:
            page.insert_text((72, 90), f"{i // 100 + 1}.2 Register map", fontsize=12)
            y = 120
            for x, head in ((72, "Offset"), (140, "Name"), (260, "Reset"), (330, "Description")):
                page.insert_text((x, y), head, fontsize=9)
            rows = [(f"0x{k * 4:02X}", f"P{i // 100}_REG{k}", "0x0000", "Control bits") for k in range(12)]
            for x, col in zip((72, 140, 260, 330), zip(*rows)):
                page.insert_text((x, y + 14), "\n".join(col), fontsize=9, lineheight=14 / 9 / 1.0)
            planted += len(rows)
        else:
            if i % 100 == 0:
                page.insert_text((72, 90), f"{i // 100 + 1} Chapter {i // 100 + 1}", fontsize=14)
            page.insert_text((72, 120), prose, fontsize=9)
    doc.save(path, garbage=3, deflate=True)
    return planted


@pytest.mark.slow
def test_thousand_page_pdf_in_bounded_memory(tmp_path):
    pdf = tmp_path / "long.pdf"
    planted = make_long_pdf(pdf)
    # a fresh interpreter, so its peak RSS is this parse's (plus the interpreter and PyMuPDF)
    code = (
        "import json,resource,sys\n"
        "from parsers.datasheet import parse_pdf\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"ds = parse_pdf({str(pdf)!r})\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'pages': ds.pages, 'registers': len(ds.registers), 'sections': len(ds.sections),"
        " 'text': sum(len(s.text) for s in ds.sections), 'base_kb': base, 'peak_kb': peak}))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["pages"] == 1000
    assert r["registers"] >= 0.95 * planted
    assert r["sections"] >= 10
    # bounded: the parse adds well under 300 MB over the interpreter with PyMuPDF loaded
    assert r["peak_kb"] - r["base_kb"] < 300_000, r
