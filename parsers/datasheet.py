"""PDF datasheet → ``Datasheet`` (sections, peripherals, registers, fields), with PyMuPDF.

``parse_pdf`` is total on describable problems (they go to ``warnings``) and raises only
``NotAPDFError`` / ``EncryptedPDFError`` for unusable input. It is built for speed and
bounded memory on long documents:

1. one cheap pass of ``page.get_text()`` over the page range (section text, cue counting);
2. candidate pages: register vocabulary together with a density of hex-looking tokens, a
   per-register heading pattern, or structure (text lines that are one address-like cell:
   ``0Fh``, ``B0h``, ``(04h)``, ``0x1A``, ``0010 0000``, under table-header words such as
   Reg/Index/Command/Mnemonic); pages with many address-like tokens and no vocabulary go to
   the content readers only; a table that runs to the page foot makes the next page a
   candidate (continuation);
3. only candidate pages get word boxes (running header/footer lines removed) and text
   blocks, read by ``parsers.pdf_registers`` (header bands; on two-column pages per column),
   ``parsers.pdf_grid`` (drawn tables), ``parsers.pdf_columns`` (unruled tables found by
   content) and ``parsers.pdf_matrix`` (2-D maps) (``find_tables`` is never called: it costs
   ~1 s per page and merges unruled rows);
4. every table's rows pass consistency checks (value -> meaning tables, self-named codes,
   bit slices, codes as names; rejections are ``warnings``), maps that reuse addresses under
   captions differing by a qualifier become blocks (``peripheral``), and each register keeps
   its ``confidence`` and ``table`` (``p12.w1`` header-read, ``.t`` drawn, ``.c`` unruled,
   ``.h`` heading).

Sections come from the outline when there is one, else from numbered headings
(``5.4.2 Title``) found in the text lines. ``load_datasheet`` dispatches on the suffix
(``.pdf`` here, ``.svd``/``.xml`` to ``parsers.svd``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pymupdf

from firmcorpus.core.errors import UserError
from firmcorpus.parsers.models import Datasheet, EncryptedPDFError, Field, NotAPDFError, Peripheral, Register, Section
from firmcorpus.parsers.pdf_columns import bit_slices, read_unruled, unruled_tables
from firmcorpus.parsers.pdf_grid import (
    GridContext,
    byte_registers,
    grids,
    looks_like_description,
    read_grid,
    ruling_segments,
)
from firmcorpus.parsers.pdf_headings import heading_registers
from firmcorpus.parsers.pdf_layout import NAME_START, bilingual_name, group_lines, name_runs
from firmcorpus.parsers.pdf_matrix import find_matrices
from firmcorpus.parsers.pdf_registers import (
    PageContext,
    RawRegister,
    address_space,
    blocks_of,
    caption_bit_tables,
    fields_from_region,
    name_row_tables,
    opcode_tables,
    peripherals_from_table,
    read_tables,
    registers_from_blocks,
    registers_from_table,
    table_rejection,
    vertical_rules,
)
from firmcorpus.parsers.pdf_transposed import transposed_tables
from firmcorpus.parsers.svd import parse_svd

MAX_SECTION_CHARS = 2_000_000  # a pathological section (no headings, huge pages) is capped

_CUE_WORDS = re.compile(r"\b(register|registers|offset|reset|default|r/w|read/write|bit\d*|bits|addr|address|"
                        r"peripheral|boundary|memory map|"
                        # the same in German, French, Spanish, Italian and Portuguese register maps
                        r"adresse|registeradresse|registertabelle|registerliste|registerübersicht|registre|registres|"
                        r"registro|registros|registri|direcci[oó]n|indirizzo|endere[cç]o)\b", re.I)
# the same vocabulary in CJK datasheets (no word boundaries there): register, address, default,
# reset value, read/write
_CJK_CUE = re.compile(r"寄存器|地址|默认值|复位值|初始值|读/写|读写|位址|暫存器|預設值|命令|指令")  # (command, instruction)
_HEXLIKE = re.compile(r"(?<![\w.])(?:0x[0-9a-f]{1,8}|\$[0-9a-f]{2,4}|[0-9][0-9a-f]{0,3}h|\d{0,2}['’‘]h[0-9a-f]{1,8})(?![\w.])", re.I)
_BLOCK_CUE = re.compile(r"address offset\s*:|\(\s*(?:address|offset)\s*=|Register\s+0x[0-9a-f]+|"
                        r"^\s*(?:\d+(?:\.\d+)*\s+)?[A-Z][A-Z0-9_]+\s*\((?:0x)?[0-9A-F]{1,8}h?\)\s*$", re.I | re.M)
_BAREHEX = re.compile(r"^\s*[0-9A-F]{2,4}\s*$", re.M)
# structural candidacy for the grid reader: address-like tokens in any printed form
# (``0x1F``, ``1Fh``, letter-first ``B0h``, ``(04h)``, bare two-digit hex cells, binary bytes)
_ANYHEX = re.compile(r"(?<![\w.])(?:0x[0-9a-f]{1,8}|[0-9a-f]{1,4}h|[0-9A-F]{2}|[01]{4}[\s_]?[01]{4}b?)(?![\w.])", re.I)
# a header row of column offsets of a 2-D register matrix (parsers.pdf_matrix)
_MATRIX_CUE = re.compile(r"(?<![\w/])0\s*(?:/\s*8\s*)?\s1\s*(?:/\s*9\s*)?\s2\s*(?:/\s*A\s*)?\s3\b")
# nibble labels of a matrix's header row or column: "x0 .. xF", "0x .. 7x", "0_ .. F_"
_NIBBLE_LABEL = re.compile(r"(?<![\w/.])(?:[0-9A-F][x_]|x[0-9A-F])(?![\w/.])")
# column headers of register and command tables that are not register vocabulary
_TABLE_CUE = re.compile(r"\b(?:reg|index|command|opcode|op-code|instruction|mnemonic|abbrev\w*|pointer)\b", re.I)
_DIGIT_LINE = re.compile(r"^\s*\d\s*$", re.M)
# a line that is one five-digit decimal register number or range ("40001", "30775-30776": a Modbus
# map's address cell)
_DEC5_LINE = re.compile(r"^\s*(?:[1-5]\d{4}|6[0-5]\d{3})(?:\s*[-–~]\s*(?:[1-5]\d{4}|6[0-5]\d{3}))?\s*$", re.M)
_CELL_LINE = re.compile(r"^\s*(?:0x[0-9a-f]{1,8}|\$[0-9a-f]{2,4}(?:\s*\(\$[0-9a-f]{2,4}\))?|\(?[0-9a-f]{1,4}h\)?|\d{0,2}['’‘]h[0-9a-f]{1,8}|[0-9A-F]{2,4}|[01]{4}[\s_]?[01]{4}b?"
                        r"|[01x]{4}(?:-[01x]{1,4}){1,2}|[01]{5,7})"
                        r"(?:\[\d{1,2}(?::\d{1,2})?\]|,\s*0x[0-9a-f]{1,8}|/[0-9a-f]{2}h)?\s*$",
                        re.I | re.M)
_NUM_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5})\.?\s+([A-Z][^\n]{1,90})$")


def _open(source: str | Path | bytes):
    try:
        if isinstance(source, (bytes, bytearray)):
            if not bytes(source[:1024]).lstrip().startswith(b"%PDF") and b"%PDF" not in bytes(source[:1024]):
                raise NotAPDFError("input does not start with %PDF: not a PDF file")
            doc = pymupdf.open(stream=bytes(source), filetype="pdf")
            name = "<bytes>"
        else:
            p = Path(source)
            if not p.is_file():
                raise NotAPDFError(f"{p}: no such file")
            with open(p, "rb") as fh:
                head = fh.read(1024)
            if b"%PDF" not in head:
                raise NotAPDFError(f"{p}: does not start with %PDF: not a PDF file (is it an SVD? use load_datasheet)")
            doc = pymupdf.open(p, filetype="pdf")
            name = p.name
    except NotAPDFError:
        raise
    except Exception as e:  # pymupdf raises FileDataError / RuntimeError on broken files
        raise NotAPDFError(f"cannot open as PDF: {e}") from e
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise EncryptedPDFError(f"{name}: encrypted PDF needs a password; decrypt it (qpdf --decrypt) and retry")
    return doc, name


def parse_pdf(source: str | Path | bytes, pages: tuple[int, int] | None = None) -> Datasheet:
    """Parse a PDF datasheet. ``pages`` is an inclusive 1-based range (others are skipped)."""
    doc, name = _open(source)
    try:
        return _parse(doc, name, pages)
    finally:
        doc.close()


def _parse(doc, name: str, pages: tuple[int, int] | None) -> Datasheet:
    n = doc.page_count
    ds = Datasheet(source=name, pages=n)
    if n == 0:
        ds.warnings.append("document has no pages")
        return ds
    first, last = 1, n
    if pages:
        first, last = max(1, pages[0]), min(n, pages[1])
        if first > last:
            ds.warnings.append(f"page range {pages[0]}-{pages[1]} is outside 1-{n}")
            return ds
    meta = doc.metadata or {}
    ds.title = (meta.get("title") or "").strip()

    page_text: dict[int, str] = {}
    text_chars = 0
    image_pages = 0
    candidates: list[int] = []
    grid_only: set[int] = set()  # pages only the grid reader looks at (no register vocabulary)
    try:
        has_outline = bool(doc.get_toc(simple=True))
    except Exception:
        has_outline = False
    styled: list[tuple[int, float, float, bool, str]] = []  # (page, y, size, bold, text) without an outline
    for pno in range(first, last + 1):
        try:
            page = doc[pno - 1]
            if has_outline:
                txt = page.get_text()
            else:
                txt = _styled_text(page, pno, styled)
        except Exception as e:
            ds.warnings.append(f"page {pno}: unreadable ({e.__class__.__name__}: {e})")
            continue
        page_text[pno] = txt
        text_chars += len(txt.strip())
        if len(txt.strip()) < 20:
            try:
                if page.get_images(full=False):
                    image_pages += 1
            except Exception:
                pass
            continue
        cues = len(_CUE_WORDS.findall(txt)) + len(_CJK_CUE.findall(txt))
        hexes = len(_HEXLIKE.findall(txt))
        # structural evidence: text lines that are one address-like cell ("0Fh", "B0h", "(04h)",
        # "0x1A", "3C", "0010 0000"), as the cells of a table column come out of the text layer
        cells = len(_CELL_LINE.findall(txt)) + len(_DEC5_LINE.findall(txt))
        table_cues = cues + len(_TABLE_CUE.findall(txt))
        if (cues >= 2 and (hexes >= 4 or len(_BAREHEX.findall(txt)) >= 6)) or _BLOCK_CUE.search(txt) or (cues >= 4 and re.search(r"\b[Bb]it\s*7\b|\bD7\b|\b15\b", txt)) \
                or (table_cues >= 1 and cells >= 4) or (table_cues >= 2 and cells >= 3) \
                or (table_cues >= 2 and cells + len(_DIGIT_LINE.findall(txt)) >= 5):
            candidates.append(pno)
        elif len(_ANYHEX.findall(txt)) >= 6 or _MATRIX_CUE.search(txt) or len(_NIBBLE_LABEL.findall(txt)) >= 4:
            grid_only.add(pno)
    if not ds.title:
        for pno in sorted(page_text):
            for ln in page_text[pno].splitlines():
                if len(ln.strip()) >= 3:
                    ds.title = ln.strip()[:120]
                    break
            if ds.title:
                break
    if text_chars == 0:
        if image_pages:
            ds.warnings.append(f"no text layer on {image_pages} image page(s): scanned PDF? (no OCR is done)")
        else:
            ds.warnings.append("no text on any page")
        ds.sections = _sections(doc, page_text, first, last, ds, styled)
        return ds
    if image_pages:
        ds.warnings.append(f"{image_pages} page(s) without a text layer (scanned images; no OCR is done)")

    ds.sections = _sections(doc, page_text, first, last, ds, styled)
    try:
        raw, peripherals = _registers(doc, sorted(set(candidates) | grid_only), ds, grid_only, last,
                                      _running_vocab(page_text))
    except Exception as e:  # a reader's slip past its page (block context, consistency): no tables
        ds.warnings.append(f"register tables not read ({e.__class__.__name__}: {e})")
        raw, peripherals = [], []
    try:
        raw.extend(_heading_family(heading_registers(page_text), raw, ds))
    except Exception as e:
        ds.warnings.append(f"register headings not read ({e.__class__.__name__}: {e})")
    ds.peripherals = peripherals
    ds.registers = _finalise(raw, ds)
    return ds


# --------------------------------------------------------------------------- sections


def _sections(doc, page_text: dict[int, str], first: int, last: int, ds: Datasheet,
              styled: list | None = None) -> list[Section]:
    try:
        toc = doc.get_toc(simple=True)
    except Exception as e:
        ds.warnings.append(f"outline unreadable: {e}")
        toc = []
    heads: list[tuple[str, str, int, int]] = []  # id, title, level, page
    if toc:
        counters: list[int] = []
        for level, title, page in toc:
            title = re.sub(r"\s+", " ", title).strip()
            m = re.match(r"^(\d+(?:\.\d+)*|[A-Z](?:\.\d+)+)\.?\s+(.*)$", title)
            if m:
                sid, title2 = m.group(1), m.group(2)
            else:
                while len(counters) < level:
                    counters.append(0)
                counters = counters[:level]
                counters[-1] += 1
                sid, title2 = "s" + ".".join(map(str, counters)), title
            heads.append((sid, title2 or title, level, max(page, 1)))
    else:
        last_id: tuple[int, ...] = ()
        for pno in sorted(page_text):
            for ln in page_text[pno].splitlines():
                ln = ln.strip()
                m = _NUM_HEADING.match(ln)
                if not m or len(ln) > 100 or ln.endswith(".") and len(ln) > 60:
                    continue
                title = m.group(2).strip()
                if re.search(r"\s{3,}|\.{4,}", title) or sum(c.isdigit() for c in title) > len(title) / 3:
                    continue
                parts = tuple(int(x) for x in m.group(1).split("."))
                # numbered headings advance: same prefix + next number, or a new child/top-level
                if last_id and not _follows(last_id, parts):
                    continue
                heads.append((m.group(1), title, len(parts), pno))
                last_id = parts
    if not toc and styled:
        by_style = _styled_headings(styled, last - first + 1)
        if len(by_style) >= 2:
            heads = by_style
    heads = [h for h in heads if first <= h[3] <= last] or heads[:0]
    sections = []
    for i, (sid, title, level, page) in enumerate(heads):
        end = last
        for sid2, _t, level2, page2 in heads[i + 1:]:
            if level2 <= level:
                end = max(page, page2 if page2 > page else page)
                break
        sections.append(Section(id=sid, title=title, level=level, page_start=page, page_end=end))
    if not sections and page_text:
        sections.append(Section(id="1", title=ds.title or "Document", level=1, page_start=first, page_end=last))
    # section text: every page belongs to exactly one section, the last one starting on or
    # before it (pages before the first heading go to the first section), so the sections'
    # texts partition the document and memory stays linear in its size
    if sections:
        owner = 0
        for p in range(first, last + 1):
            while owner + 1 < len(sections) and sections[owner + 1].page_start <= p:
                owner += 1
            t = page_text.get(p, "")
            s = sections[owner]
            if len(s.text) < MAX_SECTION_CHARS:
                s.text = (s.text + t)[:MAX_SECTION_CHARS]
    return sections


def _styled_text(page, pno: int, styled: list) -> str:
    """Page text from ``get_text("dict")`` (same reading order as ``get_text()``), keeping each
    line's size and weight for heading detection in PDFs without an outline."""
    out = []
    h = page.rect.height
    for b in page.get_text("dict", flags=0)["blocks"]:
        if b.get("type") != 0:
            continue
        for ln in b["lines"]:
            spans = ln["spans"]
            text = "".join(sp["text"] for sp in spans)
            out.append(text)
            t = text.strip()
            if not t or not spans:
                continue
            y = ln["bbox"][1]
            if y < 0.06 * h or y > 0.94 * h:  # running headers and footers
                continue
            size = max(sp["size"] for sp in spans)
            bold = all((sp["flags"] & 16) or "bold" in sp["font"].lower() for sp in spans if sp["text"].strip())
            styled.append((pno, y, round(size, 1), bold, t))
        out.append("")
    return "\n".join(out)


def _styled_headings(styled: list, n_pages: int) -> list[tuple[str, str, int, int]]:
    """Headings by font statistics: lines larger than the body text, or bold and in capitals
    or numbered; lines repeated on many pages (running titles) are not headings."""

    size_chars: Counter = Counter()
    for _p, _y, size, _b, t in styled:
        size_chars[size] += len(t)
    if not size_chars:
        return []
    body = size_chars.most_common(1)[0][0]
    repeats = Counter(t for _p, _y, _s, _b, t in styled)
    cands = []
    for pno, _y, size, bold, t in styled:
        if not (3 <= len(t) <= 80) or not re.search(r"[A-Za-z]{3}", t) or repeats[t] > max(3, n_pages // 4):
            continue
        if re.match(r"^(table|figure|note)\b", t, re.I) or t.endswith((".", ",", ";", ":")) \
                or re.search(r"\.{4,}\s*\d*$|\s{2,}\d+$", t):
            continue
        numbered = _NUM_HEADING.match(t)
        if size >= body + 1.5 or (bold and size >= body and (t.isupper() or numbered)):
            cands.append((pno, size, t, numbered))
    sizes = sorted({c[1] for c in cands}, reverse=True)[:3]
    heads = []
    k = 0
    for pno, size, t, numbered in cands:
        level = sizes.index(size) + 1 if size in sizes else 3
        if numbered:
            sid, title = numbered.group(1), numbered.group(2)
            level = len(sid.split("."))
        else:
            k += 1
            sid, title = f"h{k}", t
        heads.append((sid, title, level, pno))
    return heads


def _follows(prev: tuple[int, ...], cur: tuple[int, ...]) -> bool:
    if cur[:len(prev)] == prev and len(cur) == len(prev) + 1 and cur[-1] == 1:
        return True
    for k in range(len(prev), 0, -1):
        if len(cur) == k and cur[:k - 1] == prev[:k - 1] and cur[k - 1] == prev[k - 1] + 1:
            return True
    return False


# --------------------------------------------------------------------------- registers


def _running_vocab(page_text: dict[int, str]) -> frozenset[str]:
    """Words of the lines repeated on many pages (running headers and footers: a document
    title, a product name, "Data Sheet Rev."): a table read near a page edge must not take
    them as cells."""
    counts: Counter = Counter()
    words: dict[str, set[str]] = {}
    for txt in page_text.values():
        keys = set()
        for ln in txt.splitlines():
            if len(ln.strip()) >= 3:
                # a footer with the page number ("V1.0  Page 133 of 279") is the same line on each page
                key = re.sub(r"\d+", "#", " ".join(ln.split()))
                keys.add(key)
                words.setdefault(key, set()).update(w for w in ln.split() if not w.isdigit())
        counts.update(keys)
    need = max(3, len(page_text) // 4)
    return frozenset(w for key, c in counts.items() if c >= need for w in words[key])


_TABLE_HEAD_WORDS = re.compile(r"\b(?:addr\w*|offset|name|register|reset|bits?|access|type|default|value|"
                               r"description|symbol|mnemonic|r/w|command|instruction|hex)\b", re.I)


def _drop_slanted(words: list) -> list:
    """Words without a diagonal watermark ("Confidential ... Use Only" across the page): a word
    of three or more characters whose box is about as tall as it is wide (a horizontal word is
    much wider than tall; a vertical one much taller than wide) and over twice the page's
    median word height is text drawn at a slant, never a table cell."""
    if len(words) < 20:
        return words
    hs = sorted(w[3] - w[1] for w in words)
    med = hs[len(hs) // 2]
    if med <= 0:
        return words

    def slanted(w) -> bool:
        h, wd = w[3] - w[1], w[2] - w[0]
        # (a watermark drawn letter by letter, "C o n f i d e n t i a l" down a diagonal, is one
        # or two characters per word at several times the body size: no cell is printed so)
        return (len(w[4]) >= 3 and h > 2.0 * med and wd > 0 and 0.9 <= h / wd <= 3.0) \
            or (len(w[4]) <= 2 and h > 4.0 * med)
    if not any(slanted(w) for w in words):
        return words
    return [w for w in words if not slanted(w)]


def _strip_running(words: list, height: float, vocab: frozenset[str]) -> list:
    """Words without the running header/footer lines in the page margins."""
    if not vocab:
        return words
    edge = [w[:5] for w in words if not 0.08 * height <= (w[1] + w[3]) / 2 <= 0.88 * height]
    # a table header repeated at the top of each page of a long table is not page furniture
    # (page numbers count for neither side)
    dropped = {(w[0], w[1], w[4]) for ln in group_lines(edge) for w in ln.words
               if (texts := [x[4] for x in ln.words if not x[4].isdigit()])
               and sum(1 for x in texts if x in vocab) >= 0.6 * len(texts)
               and not _TABLE_HEAD_WORDS.search(ln.text)}
    if not dropped:
        return words
    return [w for w in words if (w[0], w[1], w[4]) not in dropped]


def _registers(doc, candidates: list[int], ds: Datasheet,
               grid_only: set[int] | frozenset = frozenset(), last: int = 0,
               running: frozenset[str] = frozenset()) -> tuple[list[RawRegister], list[Peripheral]]:
    raw: list[RawRegister] = []
    peripherals: dict[str, Peripheral] = {}
    ctx = PageContext()
    gctx = GridContext()
    uctx: dict = {}  # the last unruled table read: its page, column walls and bottom
    queue = list(candidates)
    seen = set(queue)
    grid_only = set(grid_only)
    prev = 0
    last = last or doc.page_count
    captions: dict[str, str] = {}  # table id -> its caption ("Table 3-4: ... (BANK = 1)")
    runs_on: set[int] = set()  # pages whose last register table ends near the page foot
    prev_n, prev_h = 0, 1e9
    while True:
        if prev and any(r.page == prev and r.region and r.region[1] > 0.8 * prev_h and r.table
                        and (".w" in r.table or ".c" in r.table) for r in raw[prev_n:]):
            runs_on.add(prev)
        # a drawn register table read on the previous page may go on on the next one, which
        # then is a candidate whatever its vocabulary (structural continuation)
        # and so may a table of any reader that runs to the foot of the page
        if prev and (gctx.page == prev or prev in runs_on) and prev + 1 <= last and prev + 1 not in seen:
            queue.insert(0, prev + 1)
            seen.add(prev + 1)
            grid_only.add(prev + 1)
        if not queue:
            break
        pno = queue.pop(0)
        prev, prev_n = pno, len(raw)
        try:
            page = doc[pno - 1]
            tp = page.get_textpage()  # one text extraction serves words and blocks
            words = _strip_running(_drop_slanted(page.get_text("words", sort=False, textpage=tp)),
                                   page.rect.height, running)
            blocks = blocks_of(page, tp) if pno not in grid_only else []
            height = prev_h = page.rect.height
        except Exception as e:
            ds.warnings.append(f"page {pno}: word extraction failed ({e.__class__.__name__})")
            continue
        n_before = len(raw)
        try:
            if pno in grid_only:
                drawn: list[tuple[float, float]] = []
                lines = group_lines([w[:5] for w in words])
                raw.extend(_grid_registers(page, pno, [w[:5] for w in words], [], ds, gctx, drawn))
                raw.extend(_unruled_registers(page, pno, [w[:5] for w in words], lines, raw[n_before:], ds, drawn, uctx))
                raw[n_before:] = _with_matrices(raw[n_before:], [w[:5] for w in words], None, pno)
                raw[n_before:] = _with_transposed(raw[n_before:], [w[:5] for w in words], lines, pno)
                _note_captions(raw[n_before:], lines, captions)
                continue
            lines = group_lines([w[:5] for w in words])
            tables = _page_tables(lines, [w[:5] for w in words], page.rect.width, height)
            periph_at_start = ctx.peripheral
            page_rules = None  # vertical rules, read only when a table has bit columns
            block_regs = registers_from_blocks(blocks, pno, ctx)  # also updates ctx.peripheral per heading
            heads = [(y, name) for y, name in ctx.heads]
            ctx.heads.clear()
            for t in tables:
                for p in peripherals_from_table(t):
                    peripherals.setdefault(p.name, p)
                    ctx.bases.setdefault(p.name, int(p.base_address, 16))
                if t.columns[t.name_col].role == "peripheral":
                    continue
                # a summary table belongs to the last "NAME registers/register map" heading above it
                periph = periph_at_start
                for y, name in heads:
                    if y <= t.y0:
                        periph = name
                rules = None
                if any(c.role == "bit" for c in t.columns):
                    if page_rules is None:
                        page_rules = vertical_rules(page)
                    rules = page_rules
                t_regs = registers_from_table(t, pno, rules)
                why = _not_a_register_map([r.name for r in t_regs], [r.address for r in t_regs]) or table_rejection(t, t_regs)
                if why:
                    ds.warnings.append(f"page {pno} table w{tables.index(t) + 1}: not read as a register map ({why})")
                    continue
                for r in t_regs:
                    r.peripheral = periph
                    r.confidence = 0.9
                    r.table = f"p{pno}.w{tables.index(t) + 1}"
                    r.region = (t.y0, t.y1)
                    raw.append(r)
            # the grid reader: drawn tables typed by content; where it and the header reader read
            # the same region, the one with more register rows wins
            page_word = [r for r in raw[n_before:]]
            drawn = []
            grid_regs = _grid_registers(page, pno, [w[:5] for w in words], page_word, ds, gctx, drawn)
            if grid_regs:
                raw[n_before:] = [r for r in page_word if not r.replaced]
                raw.extend(grid_regs)
            raw.extend(_unruled_registers(page, pno, [w[:5] for w in words], lines, raw[n_before:], ds, drawn, uctx))
            raw[n_before:] = [r for r in raw[n_before:] if not r.replaced]
            raw[n_before:] = _with_matrices(raw[n_before:], [w[:5] for w in words], lines, pno)
            raw[n_before:] = _with_transposed(raw[n_before:], [w[:5] for w in words], lines, pno)
            _note_captions(raw[n_before:], lines, captions)
            raw.extend(_caption_registers(lines, raw, block_regs, pno))
            # command tables that print their codes only as bits (D7..D0), where no reader read a
            # register in that region
            for n, (rows, top, bottom) in enumerate(opcode_tables(lines, height), 1):
                if any(r.page == pno and r.region and min(bottom, r.region[1]) > max(top, r.region[0])
                       for r in raw[n_before:]):
                    continue
                raw.extend(RawRegister(name, code, page=pno, source="table", confidence=0.6, table=f"p{pno}.b{n}",
                                       region=(top, bottom)) for name, code, _y in rows)
            width = page.rect.width
            head_x = {b.y0: b.x0 for b in blocks}
            xs = [head_x.get(y, 0.0) for _, y in block_regs]
            # two-column detail pages: a register's bit diagram is in its heading's column,
            # and the next heading that ends its region is the next one in that column
            two_col = any(x > 0.4 * width for x in xs) or (
                any(b.x0 > 0.45 * width and len(b.text) > 60 for b in blocks)
                and any(b.x0 < 0.2 * width and len(b.text) > 60 for b in blocks))
            for (reg, y), x in zip(block_regs, xs):
                reg.confidence, reg.table = 0.8, f"p{pno}.h"
                if reg.fields:
                    raw.append(reg)
                    continue
                if two_col:
                    lo, hi = (0.0, width / 2) if x < width / 2 else (width / 2, width)
                    col = [(y2, x2) for (_, y2), x2 in zip(block_regs, xs) if lo <= x2 < hi]
                    nxt = next((h for h, _ in sorted(col) if h > y + 1), height)
                    col_lines = group_lines([w[:5] for w in words if lo <= (w[0] + w[2]) / 2 < hi])
                    reg.fields = fields_from_region(col_lines, y, nxt)
                else:
                    nxt = next((h for h in sorted(y2 for _, y2 in block_regs) if h > y + 1), height)
                    reg.fields = fields_from_region(lines, y, nxt)
                raw.append(reg)
        except Exception as e:  # one page a reader cannot handle costs that page, not the document
            del raw[n_before:]
            ds.warnings.append(f"page {pno}: register tables not read ({e.__class__.__name__}: {e}); page skipped")
    raw = _drop_inconsistent(raw, ds)
    _block_context(raw, captions)
    raw = _drop_redescribed(raw, ds)
    raw = _drop_restated_conflicts(raw, ds)
    # offsets whose peripheral base was printed after the register (or on another page)
    for r in raw:
        if r.address_kind == "offset" and r.peripheral and r.peripheral in ctx.bases:
            r.address += ctx.bases[r.peripheral]
            r.address_kind = "absolute"
    for name, base in ctx.bases.items():
        if name not in peripherals:
            peripherals[name] = Peripheral(name=name, base_address=f"0x{base:x}")
    return raw, list(peripherals.values())


_QUANTITY = re.compile(r"\d\s*(?:[kmg]?hz|[mun]?s|[mu]?v|[mu]?a|db|dbm|bits?|bytes?|°c|%)(?![a-z])", re.I)


def _gutter(lines, width: float) -> float | None:
    """The x of the gutter of a two-column page: a vertical strip near the middle that almost
    no line crosses, with text on both sides of it on many lines."""
    lo, hi = int(0.3 * width), int(0.7 * width)
    if hi - lo < 20 or len(lines) < 12:
        return None
    cover = [0] * (hi - lo)
    for ln in lines:
        for w in ln.words:
            for x in range(max(lo, int(w[0])), min(hi, int(w[2]) + 1)):
                cover[x - lo] += 1
    allowed = max(1, int(0.03 * len(lines)))
    best = None
    i = 0
    while i < len(cover):
        if cover[i] <= allowed:
            j = i
            while j < len(cover) and cover[j] <= allowed:
                j += 1
            if j - i >= 8:
                mid = lo + (i + j) / 2
                if best is None or abs(mid - width / 2) < abs(best - width / 2):
                    best = mid
            i = j
        else:
            i += 1
    if best is None:
        return None
    left = sum(1 for ln in lines if ln.x0 < best - 40)
    right = sum(1 for ln in lines if max(w[2] for w in ln.words) > best + 40)
    return best if left >= 6 and right >= 6 else None


def _page_tables(lines, words, width: float, height: float):
    """Header-read tables of a page; on a two-column page a table whose header lies in one
    column is read from that column's words only (the other column's text is not its cells)."""
    tables = read_tables(lines, height)
    g = _gutter(lines, width)
    if g is None:
        return tables
    spans = [t for t in tables if min(c.label.x0 for c in t.columns) < g < max(c.label.x1 for c in t.columns)]
    out = list(spans)
    for half in ([w for w in words if (w[0] + w[2]) / 2 < g], [w for w in words if (w[0] + w[2]) / 2 >= g]):
        for t in read_tables(group_lines(half), height):
            if not any(min(t.y1, s.y1) - max(t.y0, s.y0) > 0 for s in spans):
                out.append(t)
    out.sort(key=lambda t: (t.y0, t.columns[0].label.x0))
    return out


# a mnemonic followed by a literal operand: "SETPWMI 0x1F 0x00", "WRITE 3Ch"
_OPERAND = re.compile(r"^\S+\s+(?:.*\s)?(?:0x[0-9a-f]+|[0-9][0-9a-f]*h)(?:\s|$)", re.I)


def _not_a_register_map(names: list[str], addrs: list[int] | None = None) -> str | None:
    """Consistency of one table's names (and addresses): value -> meaning tables, bit-slice
    layouts and lists are not register maps."""
    if len(names) < 3:
        return None
    if sum(1 for n in names if _OPERAND.search(n)) > 0.4 * len(names):
        return "names carry hex operands (a program listing or command sequence)"
    if len(names) >= 4 and len({n.lower() for n in names}) < 0.5 * name_runs(names, addrs):
        return "names repeat (the same text on most rows: not a register map)"
    # (a register name in capitals that carries a unit, "5060HZ CTRL00", is an identifier)
    if sum(1 for n in names if _QUANTITY.search(n) and not (n == n.upper() and re.search(r"[A-Z]{3,}\d*\b", _QUANTITY.sub("", n))))\
            > 0.5 * len(names):
        return "names are quantities (a value -> meaning table)"
    if addrs is not None:
        # a memory map drawn as regions: each name printed at the first and the last address of
        # its range ("ROM" at 0x0000 and 0x03FF, "RAM" at 0x0400 and 0x07FF)
        i, bounds = 0, 0
        while i + 1 < len(names):
            if names[i].lower() == names[i + 1].lower() and addrs[i + 1] > addrs[i] + 1:
                bounds, i = bounds + 2, i + 2
            else:
                i += 1
        if bounds >= 0.6 * len(names):
            return "each name bounds an address range (a memory map of regions)"
        # operations and the whole 32-bit bus frame that performs each ("Read ACC_X" = 040000F7h,
        # "Change to mode 1" = B400001Fh): frames carry an address, a value and a checksum
        if sum(1 for a in addrs if a > 0xFFFFFF) > 0.6 * len(addrs) and sum(
                1 for n in names if re.match(r"(?:read|write|enable|disable|change|set|switch|select|reset|clear)\s+\S", n, re.I))\
                > 0.5 * len(names):
            return "codes are whole bus frames of operations (an operation -> frame table)"
        # an enumeration of values named by themselves ("SF5" = 5, "SF6" = 6)
        # (not registers numbered by a register designator, "CSR5", "BCR18", "REG7", "R12")
        same = sum(1 for n, a in zip(names, addrs) if re.search(rf"(?<!\d){a}$", n)
                   and not re.fullmatch(r"(?:[A-Z]{0,3}R|REG)_?\d{1,3}", n))
        if same > 0.6 * len(names):
            return "names carry their own code (an enumeration of values)"
    if sum(1 for n in names if re.search(r"\s[+±]\s|(?<![\w/])\d+/\d+(?![\w/])", n)) > 0.5 * len(names):
        return "names are formulas ('VIN + 1/512 VREF': a value -> meaning table)"
    if sum(1 for n in names if re.search(r"\d\s*(?:…|\.{2,3}|~)\s*\d", n)) > 0.5 * len(names):
        return "names are ranges of elements ('Pixels 1…32': a data layout)"
    if bit_slices(names) > 0.4 * len(names) and not (addrs is not None and byte_registers(names, addrs)):
        return "names are bit slices of a few values or lists (a parameter or data-layout table)"
    if sum(1 for n in names if re.match(r"[a-z]+\s+[a-z]+\s", n)) > 0.5 * len(names):
        return "names are lower-case phrases (a value -> meaning table)"
    return None


_CAPTION = re.compile(r"^(?:table|register)\s+[\dA-Z][\w.\-]*\s*[:.\-–—]\s*(.+)$", re.I)
# a numbered section heading right above a table that names a map or a bank of it
# ("7.3 USER BANK 2 REGISTER MAP", "4.2 Page 1 registers"): the table's caption
_MAP_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(\S.{0,60}?\b(?:register\s*(?:map|block)|"
                          r"(?:bank|page)\s*\d{1,2})\b.{0,30})$", re.I)
# the same heading with its number set apart (a line of its own): a short title naming a
# bank's or a page's register map, not a sentence
_BANK_TITLE = re.compile(r"^((?:\w+\s+){0,3}(?:bank|page)\s*\d{1,2}\s+register\s*map)$", re.I)
# a short title line that names a group of registers right above their table ("PCI Configuration
# Registers", "Control and Status Registers"): two such tables may number their registers alike
_REGS_TITLE = re.compile(r"^([A-Z][A-Za-z0-9 /&\-]{2,50}?\s(?i:registers))$")
# a short title naming one of a field-bus protocol's register tables, each numbered from 0
# ("0x03: Read Holding Register", "04 - Input Registers"): holding and input registers are two
# address spaces
_SPACE_TITLE = re.compile(r"^(?:(?:0x)?0?[34]\s*[:\-–—]?\s*)?(?:read\s+)?((?:holding|input)\s+registers?)\b[\w\s()]{0,30}$",
                          re.I)
# a CJK title naming a bank of registers right above its table ("附录2 特殊功能寄存器总表（特殊存储体0）":
# the special function register table of bank 0)
_BANK_WORD = r"(?:存储体|存儲體|存储区|bank|页|頁)"
_CJK_BANK_TITLE = re.compile(r"^(\S.{0,40}?(?:寄存器|暫存器).{0,30}?[(（][^()（）]{0,12}?" + _BANK_WORD + r"\s*\d{1,2}[)）])\s*$",
                             re.I)
# a block named by a bank or page number: such maps often print a common area (the same registers at
# the same addresses in every bank) beside the banked one
_BANKED = re.compile(r"(?:page|" + _BANK_WORD + r")\s*\d{1,2}\s*$", re.I)


def _note_captions(regs: list[RawRegister], lines, captions: dict[str, str]) -> None:
    """The caption right above each table read on the page (within a few lines)."""
    for r in regs:
        if not r.table or r.table in captions or not r.region:
            continue
        top = r.region[0]
        above = [ln for ln in lines if ln.bottom <= top + 1 and top - ln.bottom <= 60]
        cap = ""
        for ln in reversed(above[-4:]):
            m = _CAPTION.match(ln.text) or _MAP_HEADING.match(ln.text.strip()) or _BANK_TITLE.match(ln.text.strip())
            if m:
                cap = m.group(1)
                break
            m = _SPACE_TITLE.match(ln.text.strip())
            if m:
                cap = re.sub(r"s$", "", m.group(1).lower())
                break
            m = _REGS_TITLE.match(ln.text.strip())
            if m:
                cap = m.group(1)
                break
            m = _CJK_BANK_TITLE.match(ln.text.strip())
            if m:
                cap = m.group(1).replace("（", "(").replace("）", ")")
                break
        captions[r.table] = re.sub(r"\s*\(?\bcontinued\b\)?\s*", " ", cap, flags=re.I).strip()


def _block_context(raw: list[RawRegister], captions: dict[str, str]) -> None:
    """Register blocks that reuse addresses (banks, pages, sensor blocks of one chip): two
    maps under different captions that share addresses with different names at most of them
    are different blocks, named by their caption (its parenthesised qualifier when it has
    one), so that rows of one are never merged with rows of the other. A table without a
    caption on the page after a captioned one continues it."""
    order: list[str] = []
    regs: dict[str, list[RawRegister]] = {}
    for r in raw:
        if r.table and r.source == "table" and r.peripheral is None:
            if r.table not in regs:
                order.append(r.table)
            regs.setdefault(r.table, []).append(r)
    group: dict[str, str] = {}
    last_cap, last_page = "", -9
    # in reading order (page, then top): a table continues the one printed last above it,
    # whichever reader read that one first
    order.sort(key=lambda tid: (regs[tid][0].page or 0, min((r.region[0] for r in regs[tid] if r.region), default=0.0)))
    for tid in order:
        page = regs[tid][0].page or 0
        cap = captions.get(tid, "")
        if not cap and last_cap and page - last_page <= 1:
            cap = last_cap
        if cap:
            group[tid] = cap
            # (the page the table ends on: a captioned table read over two pages is continued by
            # the one on the page after its last)
            last_cap, last_page = cap, max(r.page or 0 for r in regs[tid])
    # the group of a table is its caption's parenthesised qualifier when it has one, compared
    # without spaces and object prefixes ("IOCON.BANK = 1" and "BANK = 1" are one block)
    label: dict[str, str] = {}
    for tid, cap in list(group.items()):
        m = re.search(r"\(([^()]{2,40})\)\s*$", cap)
        q = m.group(1) if m else cap
        key = re.sub(r"\s+", "", q).split(".")[-1].lower()
        label.setdefault(key, q[:60])
        group[tid] = key
    by_cap: dict[str, dict[int, set[str]]] = {}
    for tid, cap in group.items():
        for r in regs[tid]:
            by_cap.setdefault(cap, {}).setdefault(r.address, set()).add(_norm(r.name))
    caps = list(by_cap)
    blocks: set[str] = set()
    common: dict[str, set[int]] = {}  # a banked block's common area: the rows every bank prints alike
    for i, a in enumerate(caps):
        for b in caps[i + 1:]:
            shared = set(by_cap[a]) & set(by_cap[b])
            if len(shared) < 3:
                continue
            differ = sum(1 for x in shared if not by_cap[a][x] & by_cap[b][x])
            if differ >= 0.5 * len(shared):
                blocks.update((a, b))
            elif differ >= 3 and _BANKED.search(label[a]) and _BANKED.search(label[b]):
                # two banks of one map with a common area: the rows printed alike in both are one
                # register each, the others the bank's own
                alike = {x for x in shared if by_cap[a][x] & by_cap[b][x]}
                for c in (a, b):
                    common[c] = (common[c] & alike) if c in common else alike
                blocks.update((a, b))
    for tid, cap in group.items():
        if cap in blocks:
            for r in regs[tid]:
                if r.address not in common.get(cap, ()):
                    r.peripheral = label[cap]


_CODE_NAME = re.compile(r"(?:0x[0-9a-f]{1,8}|[0-9][0-9a-f]*h?)(?:\s*[,/]\s*(?:0x[0-9a-f]{1,8}|[0-9][0-9a-f]*h?))*", re.I)


def _drop_inconsistent(raw: list[RawRegister], ds: Datasheet) -> list[RawRegister]:
    """Tables of any reader whose rows fail the consistency checks are dropped, with a warning."""
    by_table: dict[str, list[RawRegister]] = {}
    for r in raw:
        if r.table and r.source == "table":
            by_table.setdefault(r.table, []).append(r)
    # a name that is itself a code ("0x06", "3Ch"): a value cell read as the name
    raw = [r for r in raw if not (r.source == "table" and _CODE_NAME.fullmatch(r.name))]
    by_table = {tid: [r for r in rs if not _CODE_NAME.fullmatch(r.name)] for tid, rs in by_table.items()}
    drop = set()
    for tid, rs in by_table.items():
        why = _not_a_register_map([r.name for r in rs], [r.address for r in rs])
        if why:
            drop.add(tid)
            ds.warnings.append(f"table {tid}: dropped, {why}")
    return [r for r in raw if r.table not in drop] if drop else raw


def _heading_family(heads, raw: list[RawRegister], ds: Datasheet) -> list[RawRegister]:
    """Registers from a family of headings. Where a summary table (either reader) already holds
    most of their addresses, the table is the map and headings only confirm its rows; else
    the headings are the map, and drawn-table rows at a heading's address under another
    name (parameter rows of the command described below the heading) are dropped."""
    if not heads:
        return []
    tabled = [r for r in raw if r.table and (".w" in r.table or ".t" in r.table or ".c" in r.table)]
    summary = {r.address for r in tabled}
    table_names = {(r.address, _norm(r.name)) for r in tabled}
    stems = {h.name.split("_", 1)[0] for h in heads if "_" in h.name and not h.block}
    if summary and not any((h.address, _norm(h.name)) in table_names for h in heads) and len(stems) == 1 \
            and sum(1 for h in heads if "_" in h.name and not h.block) >= 0.8 * len(heads):
        # no heading names a table row at its address: another map over the same addresses (a
        # command set beside a register table); the prefix its names share ("ID_...") is its
        # block, so the table's rows do not absorb it
        stem = stems.pop()
        for h in heads:
            if not h.block and h.name.startswith(stem + "_"):
                h.block = stem
    elif sum(1 for h in heads if h.address in summary) >= 0.5 * len(heads):
        heads = [h for h in heads if h.address in summary]
    else:
        named = {h.address: _norm(h.name) for h in heads}
        before = len(raw)
        raw[:] = [r for r in raw if not (r.table and (".t" in r.table or ".c" in r.table) and r.address in named
                                         and _norm(r.name) != named[r.address])]
        if len(raw) < before:
            ds.warnings.append(f"{before - len(raw)} drawn-table row(s) at heading-defined addresses dropped")
    return [RawRegister(h.name, h.address, page=h.page, source="block", description=h.long_name,
                        confidence=0.7, table=f"p{h.page}.h", peripheral=h.block or None) for h in heads]


def _drop_restated_conflicts(raw: list[RawRegister], ds: Datasheet) -> list[RawRegister]:
    """A table on a later page that mostly restates an earlier table (most of its rows have the
    same name at the same address there) is the same map printed again (a section's excerpt); its
    rows that disagree with the earlier one (a name at another address, another name at an
    address) are misprints or aliases of it: dropped with a warning."""
    first: dict[str, int] = {}
    rows: dict[str, list[RawRegister]] = {}
    for r in raw:
        if r.table and r.source == "table" and r.page is not None:
            rows.setdefault(r.table, []).append(r)
            first[r.table] = min(first.get(r.table, r.page), r.page)
    drop: set[int] = set()
    for tid, rs in rows.items():
        if len(rs) < 4:
            continue
        earlier = [r for t2, rs2 in rows.items() if t2 != tid and first[t2] < first[tid] for r in rs2]
        pairs = {(_norm(r.name), r.address) for r in earlier}
        same = sum(1 for r in rs if (_norm(r.name), r.address) in pairs)
        if same < 0.6 * len(rs):
            # the same map printed again with offsets from its block's base where the earlier
            # table gave absolute addresses (a "register map and reset values" table after the
            # summary): the names recur at one constant distance; its rows are those registers
            at: dict[str, int] = {}
            for r in earlier:
                at.setdefault(_norm(r.name), r.address)
            known = [r for r in rs if _norm(r.name) in at]
            if len(known) >= 0.7 * len(rs):
                (d, n), = Counter(at[_norm(r.name)] - r.address for r in known).most_common(1)
                if d >= 0x100 and d % 0x10 == 0 and n >= 0.7 * len(known):  # an aligned block base
                    for r in rs:
                        if at.get(_norm(r.name)) == r.address + d:
                            drop.add(id(r))
                        else:
                            r.address += d  # a register only this table lists: at its absolute address
                    ds.warnings.append(f"table {tid}: restates an earlier map at offsets from 0x{d:X}; "
                                       f"rows merged with it")
            continue
        # (rows of two blocks, banks that reuse addresses, never disagree)
        def apart(a: RawRegister, b: RawRegister) -> bool:
            return bool(a.peripheral and b.peripheral and a.peripheral != b.peripheral)

        # the blocks of the earlier rows by name and by address (looked up per row, not scanned)
        blocks_of: dict[object, set[str | None]] = {}
        for e in earlier:
            blocks_of.setdefault(("n", _norm(e.name)), set()).add(e.peripheral)
            blocks_of.setdefault(("a", e.address), set()).add(e.peripheral)

        def meets(r: RawRegister) -> bool:
            """An earlier row of ``r``'s name or address, in no other block than ``r``'s."""
            near = blocks_of.get(("n", _norm(r.name)), set()) | blocks_of.get(("a", r.address), set())
            return any(not (p and r.peripheral and p != r.peripheral) for p in near)

        # (a row with bit fields of its own carries the detail of a register: kept, merged later)
        bad = [r for r in rs if (_norm(r.name), r.address) not in pairs and not r.fields and meets(r)]
        # where the restating table is larger than the excerpts it disagrees with, it is the map
        # (a register chapter after functional sections that quote a few rows): the excerpts'
        # disagreeing rows go instead
        against = [e for r in bad for e in earlier
                   if (e.address == r.address) != (_norm(e.name) == _norm(r.name)) and not apart(e, r)]
        if bad and against and all(len(rows[e.table]) < len(rs) for e in against):
            drop.update(id(e) for e in against)
            ds.warnings.append(f"table {tid}: restates earlier excerpts of its map; {len(against)} of their "
                               f"row(s) that disagree with it dropped")
        elif bad:
            drop.update(id(r) for r in bad)
            ds.warnings.append(f"table {tid}: restates an earlier map; {len(bad)} row(s) that disagree with it dropped")
    return [r for r in raw if id(r) not in drop] if drop else raw


def _drop_redescribed(raw: list[RawRegister], ds: Datasheet) -> list[RawRegister]:
    """A drawn table most of whose addresses already belong to differently named registers of
    the header reader or of headings describes those registers again (a field, parameter or
    detail table): its rows are dropped with a warning."""
    size: dict[str, int] = {}
    for r in raw:
        if r.table:
            size[r.table] = size.get(r.table, 0) + 1
    by_table: dict[str, list[RawRegister]] = {}
    for r in raw:
        if r.table and (".t" in r.table or ".c" in r.table):
            by_table.setdefault(r.table, []).append(r)
    drop: set[str] = set()
    for r in raw:  # small header-read tables: per-register detail tables under a summary
        if r.table and ".w" in r.table and size[r.table] <= 4:
            by_table.setdefault(r.table, []).append(r)
    for tid, rs in by_table.items():
        # held: addresses of headings, header-read tables, and drawn tables larger than this one
        # (of the same block: another bank's map reuses the addresses under other names)
        blk, space = rs[0].peripheral, rs[0].space
        holders: dict[int, list[RawRegister]] = {}
        for r in raw:
            if blk and r.peripheral and r.peripheral != blk:
                continue
            if space and r.space and r.space != space:
                continue  # an instruction table beside a control-register table: two numberings
            if r.table and r.table != tid and (((".t" not in r.table and ".c" not in r.table)
                                                and (".w" not in tid or size[r.table] > len(rs)))
                                               or size[r.table] >= max(5, 2 * len(rs))):
                holders.setdefault(r.address, []).append(r)
        held = {a: {_norm(h.name) for h in hs} for a, hs in holders.items()}
        clashing = [r for r in rs if r.address in held and _norm(r.name) not in held[r.address]]
        clash = len(clashing)
        # a summary list ahead of a chapter of detail headings (one per register, on later pages)
        # names the same registers otherwise: it is the map, not a redescription; its rows and
        # the headings merge by address
        by = [h for r in clashing for h in holders[r.address]]
        first_page = min((r.page for r in rs if r.page is not None), default=0)
        if clash and all(h.table and h.table.endswith(".h") and (h.page or 0) > first_page for h in by) \
                and len({h.page for h in by}) >= 3 and len({r.address for r in clashing}) >= 5:
            continue
        if clash >= 0.6 * len(rs):
            drop.add(tid)
            ds.warnings.append(f"table {tid}: dropped, {clash} of {len(rs)} addresses already named otherwise")
    return [r for r in raw if r.table not in drop]


def _grid_registers(page, pno: int, words, word_regs: list[RawRegister], ds: Datasheet,
                    gctx: GridContext, drawn: list | None = None) -> list[RawRegister]:
    """Registers of the drawn tables of one page (``parsers.pdf_grid``); rejected candidate
    tables become warnings. Header-reader rows in a region the grid reads better are marked
    ``replaced``."""
    segs = ruling_segments(page)
    if len(segs) < 6:
        return []
    out: list[RawRegister] = []
    for n, g in enumerate(grids(segs), 1):
        t = read_grid(g, words, gctx, pno)
        if drawn is not None and not (t.rejected or "").startswith(("empty", "no address column")):
            drawn.append((g.y0, g.y1))  # a drawn table the grid reader judged (read or rejected)
        tid = f"p{pno}.t{n}"
        if t.continued and gctx.table_id and not gctx.table_id.startswith(f"p{pno}."):
            tid = gctx.table_id  # one table over two pages: rows of a paged map may reuse addresses
        elif t.registers and not t.rejected:
            gctx.table_id = tid
        if t.rejected:
            if t.rejected not in ("empty",) and t.addr_header:
                ds.warnings.append(f"page {pno} table {n}: not read as a register map ({t.rejected})")
            continue
        y0, y1 = t.bbox[1], t.bbox[3]
        same = [r for r in word_regs if r.region and
                min(y1, r.region[1]) - max(y0, r.region[0]) > 0.3 * min(y1 - y0, r.region[1] - r.region[0] + 1)]
        # rows whose "name" is a description or parameter line do not count for the header reader
        if same and sum(1 for r in same if not looks_like_description(r.name)) >= len(t.registers):
            # the header reader keeps the region; where its name cell ran into a neighbouring
            # column ("Vendor ID LSB 24"), the drawn cell wall gives the name
            cell = {gr.address: gr.name for gr in t.registers}
            for r in same:
                g_name = cell.get(r.address)
                if g_name and r.name != g_name and (r.name.startswith(g_name + " ") or (
                        looks_like_description(r.name) and not looks_like_description(g_name, prose=False))):
                    r.name = g_name  # or the header reader took a description column for names
            # an address the drawn cells never held, under a name they hold at another address:
            # the header reader read a wrapped cell ("0x3" over "C"); the cell's address wins
            g_addr = {gr.name: gr.address for gr in t.registers}
            for r in same:
                if r.address not in cell and g_addr.get(r.name, r.address) != r.address:
                    r.address = g_addr[r.name]
            continue
        for r in same:
            r.replaced = True
        for gr in t.registers:
            out.append(RawRegister(gr.name, gr.address, page=pno, source="table", confidence=gr.confidence,
                                   table=tid, region=(y0, y1), space=address_space(t.addr_header, t.name_header)))
    return out


def _outside(page_regs: list[RawRegister], boxes) -> list[RawRegister]:
    """The rows of a page that no reader-specific table (a matrix, a transposed table) covers:
    that table replaces what the other readers made of its region."""
    spans = [(bx[1], bx[3]) for bx in boxes]
    return [r for r in page_regs if not (r.region and any(min(r.region[1], b) - max(r.region[0], a) > 0 for a, b in spans))]


def _with_transposed(page_regs: list[RawRegister], words, lines, pno: int) -> list[RawRegister]:
    """A transposed command table on the page (``parsers.pdf_transposed``: one column per
    command, the code in a "1st byte" row) replaces what the table readers made of its region
    (attribute rows read as registers)."""
    tables = transposed_tables(lines if lines is not None else group_lines(words))
    if not tables:
        return page_regs
    out = _outside(page_regs, [t.bbox for t in tables])
    for n, t in enumerate(tables, 1):
        out.extend(RawRegister(c.name, c.code, page=pno, source="table", confidence=0.8, table=f"p{pno}.x{n}",
                               region=(t.bbox[1], t.bbox[3]), space="command") for c in t.commands)
    return out


def _with_matrices(page_regs: list[RawRegister], words, lines, pno: int) -> list[RawRegister]:
    """A 2-D register matrix on the page (``parsers.pdf_matrix``) replaces what the table
    readers made of its region (row labels read as addresses, one column's names)."""
    mats = find_matrices(words, lines)
    if not mats:
        return page_regs
    out = _outside(page_regs, [m.bbox for m in mats])
    for n, m in enumerate(mats, 1):
        out.extend(RawRegister(mr.name, mr.address, page=pno, source="table", confidence=mr.confidence,
                               table=f"p{pno}.m{n}", region=(m.bbox[1], m.bbox[3])) for mr in m.registers)
    return out


def _unruled_registers(page, pno: int, words, lines, page_regs: list[RawRegister],
                       ds: Datasheet, drawn: list | None = None, uctx: dict | None = None) -> list[RawRegister]:
    """Registers of the unruled tables of one page that neither the header reader nor the grid
    reader read (``parsers.pdf_columns``: aligned address tokens, whitespace columns, columns
    typed by content, consistency checks). A table at the top of the page with the column
    walls of the one that ended the previous page continues it: one named row is enough."""
    if lines is None:
        lines = group_lines(words)
    out: list[RawRegister] = []
    # regions other readers read, and drawn tables (read or rejected by the grid reader)
    taken = [r.region for r in page_regs if r.region and not r.replaced] + list(drawn or [])
    for n, t in enumerate(unruled_tables(lines, page.rect.width, page.rect.height), 1):
        y0, y1 = t.bbox[1], t.bbox[3]

        def over(a: float, b: float) -> bool:
            return min(y1, b) - max(y0, a) > 0.3 * min(y1 - y0, b - a + 1)

        res = None
        mine = [r for r in out if r.region and over(*r.region)]
        others = [r.region for r in page_regs if r.region and not r.replaced] + list(drawn or [])
        if mine and not any(over(a, b) for a, b in others):
            # only an earlier unruled table of this page read these rows, part of them (a run
            # cut where a description wrapped around a row's line widened the gap): the
            # reading that holds all of its registers and more replaces it
            res = read_unruled(t)
            if res.rejected or not {r.address for r in mine} < {u.address for u in res.registers}:
                continue
            out = [r for r in out if r not in mine]
        elif any(over(a, b) for a, b in taken):
            # another reader already read this region; where that is the header reader alone
            # (no drawn table) and the content-typed reading finds clearly more rows (header
            # labels that cut the columns wrongly: a two-word label split at a wide space), the
            # content-typed reading replaces it
            head = [r for r in page_regs if r.region and not r.replaced and over(*r.region)]
            if not head or any(over(a, b) for a, b in drawn or []) \
                    or not all(r.table and r.table.startswith(f"p{pno}.w") for r in head):
                continue
            res = read_unruled(t)
            if res.rejected or len(res.registers) < max(len(head) + 2, 1.5 * len(head)):
                continue
            for r in head:
                r.replaced = True
        res = res or read_unruled(t)
        if res.rejected and uctx and uctx.get("page") == pno - 1 and uctx["bottom"] > 0.75 \
                and y0 < 0.25 * page.rect.height:
            # the previous page ended with a register table: its last rows may be all that
            # is left here; they must go on from its last address
            res2 = read_unruled(t, min_named=1)
            if res2.rejected and uctx.get("header") and sum(len(ln.words) for ln in t.header) <= 2:
                # a continuation printed without its header (at most a wrapped cell's tail above
                # it): the previous page's header (same page layout, its labels over the same columns)
                res2 = read_unruled(replace(t, header=uctx["header"]), min_named=1)
            # (its rows go on from there: the first within a short step, none below it)
            if not res2.rejected and 0 < res2.registers[0].address - uctx["last"] <= 0x40 \
                    and all(r.address > uctx["last"] for r in res2.registers):
                res = res2
        if res.rejected:
            if res.addr_header or res.name_header:
                ds.warnings.append(f"page {pno} unruled table {n}: not read as a register map ({res.rejected})")
            continue
        taken.append((y0, y1))
        if uctx is not None:
            uctx.setdefault("heads", {})[f"p{pno}.c{n}"] = t.header or uctx.get("header")
        block = _descriptor_set(lines, t.rows[0][0].top, res.group) if res.group else None
        for ur in res.registers:
            out.append(RawRegister(ur.name, ur.address, page=pno, source="table",
                                   confidence=round(0.9 * res.confidence, 3), table=f"p{pno}.c{n}",
                                   region=(y0, y1), space=address_space(res.addr_header, res.name_header),
                                   peripheral=block))
    if uctx is not None:
        # the table that ends lowest on this page (any reader), for a continuation on the next
        tabled = [r for r in list(page_regs) + out if r.region and r.table and not r.replaced]
        if tabled:
            low = max(tabled, key=lambda r: r.region[1])
            rows = [r for r in tabled if r.table == low.table]
            uctx.update(page=pno, bottom=low.region[1] / page.rect.height, last=rows[-1].address,
                        header=uctx.get("heads", {}).get(low.table))
    return out


def _descriptor_set(lines, top: float, group: str) -> str:
    """The block of a list of full descriptors ("(0x0C, 0x37)"): the heading above it that
    prints the set code ("3.1.2 3DM Command Set (0x0C)"), without its number and code; the
    code itself where no heading prints it."""
    code = re.compile(rf"\(?\s*(?:0x0*{group.lstrip('0') or '0'}|0*{group.lstrip('0') or '0'}h)\s*\)?", re.I)
    for ln in reversed([ln for ln in lines if ln.bottom <= top + 1 and top - ln.bottom <= 80]):
        if code.search(ln.text) and len(ln.words) <= 10:
            name = re.sub(r"^[\d.]+\s+", "", code.sub("", ln.text)).strip(" :-")
            if NAME_START.match(name or ""):
                return name[:60]
    return f"0x{group}"


_CAPTION_ADDR = re.compile(r"address\s*(?:=\s*)?(0x[0-9a-f]+|[0-9a-f]+h)\b", re.I)


def _caption_registers(lines, raw: list[RawRegister], block_regs, pno: int) -> list[RawRegister]:
    """Stand-alone bit tables attach to the register their caption names (by name, else address)."""

    known = list(raw) + [r for r, _ in block_regs]
    out = []
    for caption, fields, _y in caption_bit_tables(lines) + name_row_tables(lines):
        words = set(re.findall(r"[A-Za-z_][\w]*", caption))
        target = None
        for r in known:
            if r.name in words and re.fullmatch(r"[A-Za-z_]\w*", r.name) and len(r.name) >= 3:
                target = r
                break
        if target is None:
            m = _CAPTION_ADDR.search(caption)
            if m:
                tok = m.group(1).lower()
                addr = int(tok[2:] if tok.startswith("0x") else tok[:-1], 16)
                target = next((r for r in known if r.address == addr), None)
        if target is None:
            continue
        out.append(RawRegister(target.name, target.address, page=pno, peripheral=target.peripheral,
                               address_kind=target.address_kind, fields=fields, source="block"))
    return out


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _finalise(raw: list[RawRegister], ds: Datasheet) -> list[Register]:
    """Merge summary rows and detail blocks of the same register; stable output order."""
    merged: dict[tuple, RawRegister] = {}
    order: list[tuple] = []
    by_addr: dict[tuple, list[tuple]] = {}
    tabled = {r.peripheral for r in raw if r.source == "table" and r.peripheral}
    for r in raw:
        r.name = bilingual_name(r.name)
    # table rows first: they carry the printed register-map names
    for r in sorted(raw, key=lambda r: 0 if r.source == "table" else 1):
        key = (r.peripheral or "", r.address, _norm(r.name))
        if key in merged:
            _merge_into(merged[key], r)
            continue
        same_addr = by_addr.get((r.peripheral or "", r.address), [])
        if not same_addr and r.source == "block":
            # a heading-derived peripheral (a chip name in a running header) must not split a
            # register from its summary row, which has no peripheral
            same_addr = [k for k in by_addr.get(("", r.address), [])] or \
                ([k for (p, a), ks in by_addr.items() if a == r.address for k in ks
                  if k[2] == _norm(r.name) and merged[k].source == "table"]
                 if r.peripheral and r.peripheral not in tabled else
                 [] if r.peripheral else [k for (p, a), ks in by_addr.items() if a == r.address for k in ks])
            # (a peripheral no table row has, the part number of a running header over the detail
            # pages: the summary row of its own name is the register, whatever caption labels it)
            if r.peripheral and r.name.startswith(r.peripheral + "_"):
                # a block its own names spell (two units' maps from offset 0): only a row of a
                # compatible name at its address is its summary row
                same_addr = [k for k in same_addr if _compatible(merged[k].name, r.name)]
        target = None
        for k in same_addr:
            m = merged[k]
            if r.source == "block" and m.source == "table":
                target = k  # a detail block describes the summary row at its address
                break
            if m.page != r.page and _compatible(m.name, r.name) and not (m.table and m.table == r.table):
                target = k  # a later table (programming example, field table) names it again (one
                # table continued over pages is a paged map: its rows are distinct registers)
                break
        if target is not None:
            _merge_into(merged[target], r)
            continue
        merged[key] = r
        order.append(key)
        by_addr.setdefault((r.peripheral or "", r.address), []).append(key)
    out = []
    for key in order:
        r = merged[key]
        if r.width_bits:  # a field beyond the register's width is page furniture, not a field
            r.fields = [f for f in r.fields if int(f.bits.split(":")[0]) < r.width_bits]
        out.append(Register(
            name=r.name, address=f"0x{r.address:x}", peripheral=r.peripheral, address_kind=r.address_kind,
            width_bits=r.width_bits, reset=None if r.reset is None else f"0x{r.reset:x}", access=r.access,
            description=r.description, page=r.page, section_id=None, fields=r.fields,
            confidence=r.confidence, table=r.table,
        ))
    _attach_sections(out, ds.sections)
    return out


def _compatible(a: str, b: str) -> bool:
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na.startswith(nb) or nb.startswith(na):
        return True
    wa, wb = a.lower().split(), b.lower().split()
    return bool(wa and wb and wa[0] == wb[0])


def _coverage(fields: list[Field]) -> int:
    n = 0
    for f in fields:
        hi, _, lo = f.bits.partition(":")
        n += int(hi) - int(lo or hi) + 1
    return n


def _merge_into(dst: RawRegister, src: RawRegister) -> None:
    if dst.reset is None:
        dst.reset = src.reset
    if dst.access is None:
        dst.access = src.access
    if not dst.description:
        dst.description = src.description
    if dst.width_bits is None:
        dst.width_bits = src.width_bits
    # detail blocks describe fields more fully than a summary row's bit columns
    # detail blocks describe fields more fully than a summary row's bit columns, unless the
    # detail table was cut short (a page break): compare the bits each one covers
    if src.fields and (not dst.fields or _coverage(src.fields) >= _coverage(dst.fields)
                       or (src.source == "block" and _coverage(src.fields) >= 0.75 * _coverage(dst.fields))):
        dst.fields = src.fields


def _attach_sections(regs: list[Register], sections: list[Section]) -> None:
    for r in regs:
        best = None
        for s in sections:
            if r.page is not None and s.page_start <= r.page <= s.page_end:
                if best is None or s.level >= best.level and s.page_start >= best.page_start:
                    best = s
        r.section_id = best.id if best else None


# --------------------------------------------------------------------------- dispatch


def load_datasheet(path: str | Path) -> Datasheet:
    """Parse a datasheet file by suffix: ``.pdf`` → PDF, ``.svd``/``.xml`` → CMSIS-SVD."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".svd", ".xml"):
        return parse_svd(p)
    if suffix == ".pdf":
        return parse_pdf(p)
    with open(p, "rb") as fh:
        head = fh.read(2048)
    if b"%PDF" in head[:1024]:
        return parse_pdf(p)
    if b"<device" in head or b"<?xml" in head:
        return parse_svd(p)
    raise NotAPDFError(f"{p}: unknown datasheet format (expected .pdf, .svd or .xml)")




def inspect_datasheet(path: str, pages: tuple[int, int] | None = None) -> dict:
    """``firmcorpus datasheet --json``: the Datasheet contract (docs/datasheets.md)."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{path} does not exist: give a PDF datasheet or a CMSIS-SVD (.svd/.xml) file")
    if pages and p.suffix.lower() == ".pdf":
        ds = parse_pdf(p, pages=pages)
    else:
        ds = load_datasheet(p)
    return ds.to_dict()


__all__ = ["parse_pdf", "load_datasheet", "inspect_datasheet", "Datasheet", "Register", "Field", "Peripheral",
           "Section"]
