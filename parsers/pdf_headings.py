"""Registers (and commands) defined by headings rather than by a summary table.

Some datasheets have no register map: each register or command is a heading followed by its
bit table. This module reads those headings from the plain page text (regular expressions over
lines the first pass already extracted, so it costs nothing per page). One detector, several
printed shapes of the same fact "identifier + address token":

* ``paren``: an identifier or a long name with its address in parentheses or brackets, the
  address alone or after a keyword (address/addr/offset/index/pointer/register, ``P[1:0] =``):
  ``(2) POWER SETTING (PWR) (R01H)``, ``PANEL SETTING (PSR) (REGISTER: R00H)``,
  ``CTRL1 [0x20]``, ``MODE (04h)``, ``Control Register (0h)``,
  ``Configuration Register (address = 01h) [reset = 00h]``, ``Temperature Register (P[1:0] = 0h)``,
  ``DATA_CH1 Register (0x88 / 0x89)`` (one register per byte: ``DATA_CH1_0``, ``DATA_CH1_1``);
* ``bracket``: ``NAME (Long name) [R/W] [0x0000] [0x00]`` (the first bracketed number is the
  address, a second one the reset value);
* ``regfirst``: the keyword and address first, the name after it:
  ``Register 0x00 "CHIP_ID"``, ``Register 0x1A: IF_CONF``, ``Register 25 - Sample Rate Divider``
  (a bare number after "Register" is a decimal register number), and in CJK
  ``寄存器 26. PLL1 参数``;
* ``prefixed``: a short prefix glued to the address, the name after a colon or dash:
  ``MX-02h: Speaker Output Volume``, ``Reg-0Ch - Record Mixer``;
* ``fields``: ``Address: 0x00, Reset: 0xAD, Name: DEVID_AD``;
* ``pointer``: pointer-bit notation outside parentheses: ``Configuration Register: P[1:0] = 01``
  (bare 0/1 digits are the pointer bits, binary);
* ``index``: a heading line with a name followed within two lines (or on the same line) by
  ``Index (In Decimal): 4`` / ``Address: 0x04`` / ``Offset = 04h``;
* ``multi``: two or more registers in one heading: ``OUTX_L (28h), OUTX_H (29h)``;
* ``pairs``: two to four names and as many addresses as two lists in one heading, matched in
  order: ``DATA_L, DATA_H (0x04, 0x05)``, ``Registers 0x04 and 0x05: DATA_L and DATA_H``,
  ``DATA_L/DATA_H - 0x04/0x05``;
* ``regname``: an identifier that *is* the address: ``REG0A`` (optionally ``(Read only)``).

More than ``MAX_PER_PAGE`` matches of one shape on one page are cells of a table and are
skipped. A family (one shape) counts only when the document has at least three of them with
mostly distinct addresses (one stray line of prose is not a register map). Table-of-contents
lines (dot leaders, trailing page numbers) and caption lines (``Table 26: Register 0x00 ..``)
are skipped. Nothing here names a vendor, a part or a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a marked address token (never a bare number, which is a value or a count in prose; "0x2Eh",
# marked twice, is one hex token)
# ("0A Hex": the base as a word; its digits may carry the text layer's letter O for zero and
# lower-case l for one, "OA Hex", "lB Hex", read as 0A and 1B)
_TOK = (r"(?:R[0-9A-F]{2,4}H|0[xX][0-9A-F]{1,4}[hH]?|[0-9A-F]{1,4}h|\d{0,2}['’‘`]h[0-9A-F]{1,8}"
        r"|(?:[0-9A-F]|[Ol](?=[0-9A-FOl]*\s))[0-9A-FOl]{0,3}\s(?i:hex)\b|\d{1,5}\s(?i:dec|decimal)\b)")
_TOK_RE = re.compile(r"^(?:R(?P<r>[0-9A-F]{2,4})H|0x(?P<x>[0-9A-F]{1,4})h?|(?P<h>[0-9A-F]{1,4})h|\d{0,2}['’‘`]h(?P<v>[0-9A-F]{1,8})"
                     r"|(?P<w>[0-9A-FOl]{1,4})\s+hex|(?P<d>\d{1,5})\s+dec(?:imal)?)$", re.I)  # (a hardware-description literal, 8'h0C; the word form)
_LOOKALIKE = str.maketrans("OoLlI", "00111")
# a long name that opens with the mnemonic and a dash: "VMPR - Video Memory Page Register"
_DASH_NAMED = re.compile(r"^([A-Z][A-Z0-9_]{1,15})\s+[-–—]\s+([A-Z].*)$")
_NUMPFX = r"(?:\(\d{1,3}\)\s*|\d{1,3}(?:\.\d{1,3})*\.?\s+|[A-Z]\.\d{1,3}(?:\.\d{1,3})*\.?\s+)?"
_ID = r"[A-Z][A-Za-z0-9_]*(?:\[\d{1,2}\])?"
_MNEM = r"[A-Z][A-Z0-9_]{1,15}(?:\s*/\s*[A-Z][A-Z0-9_]{1,15})?"
_LONG = r"[A-Z][A-Za-z0-9 &/,+\-']{2,70}?"
_KW = r"(?i:register|address|addr|offset|index|pointer|reg|sub-?address|P\[\d:\d\]|P\d(?:\s*:\s*P?\d)?)"
_ADDRS = _TOK + r"(?:\s*(?:/|,|-|–|−|~|\.\.|to)\s*" + _TOK + r")*"
_TRAIL = r"(?:\s*[(\[][^()\[\]]{0,30}[)\]])*\s*"

_PAREN_HEAD = re.compile(
    r"^\s*" + _NUMPFX +
    r"(?:(?P<long>" + _LONG + r")\s*\((?P<mn>" + _MNEM + r")\)"
    r"|(?P<id>[A-Z][A-Za-z0-9_]{1,30})(?P<regword>\s+(?i:register|reg\.?))?"
    r"|(?P<lname>[A-Z][A-Za-z0-9 &/+\-']{2,70}?\b(?i:register|registers|command|port)))\s*"
    r"[(\[]\s*(?:(?P<kw>" + _KW + r")\s*[:=]?\s*)?(?P<addrs>" + _ADDRS + r")\s*[)\]]" + _TRAIL + r"$")
_BRACKET_HEAD = re.compile(
    r"^\s*" + _NUMPFX + r"(?P<id>[A-Z][A-Z0-9_]{1,30})\s*\((?P<long>[^()]{2,60})\)\s*"
    r"(?:\[\s*(?:R|W|RW|R/W|RO|WO|R/C|RC|W1C|R/W1C)\s*\]\s*)?"
    r"\[\s*(?P<addr>(?:0x)?[0-9A-F]{1,8}h?)\s*\](?:\s*\[\s*[^\]]{1,12}\])?\s*$", re.I)
# a reset value closing a heading: ", Default 0000 0110", "; Reset value: 0x80", "(POR = 00h)"
_RESET_TAIL = (r"\s*[,;]?\s*\(?(?i:default(?:\s+value)?|reset(?:\s+value)?|por)\s*[:=]?\s*"
               r"(?:0x[0-9A-Fa-f]{1,8}|[0-9A-Fa-f]{1,8}h|[01]{4}(?:[ _][01]{4}){0,3}b?|\d{1,5})\)?")
_RESET_END = re.compile(_RESET_TAIL + r"\s*$")
_REGFIRST_HEAD = re.compile(
    r"^\s*" + _NUMPFX + r"(?:(?P<blk>[A-Z]{2,5})\s+)?(?i:register|reg\.?|address|offset|index)\s*[:#]?\s*(?P<ob>\[\s*)?"
    r"(?P<addr>" + _TOK + r"|\d{1,3})(?![\w.])(?:\s*(?:\.\.|to|-|–|~)\s*(?P<end>" + _TOK + r"|\d{1,3})(?![\w.]))?"
    r"(?(ob)\s*\])"  # "REG[01h]", "REG [C0h]": the address in brackets
    r"(?:\s*\(\s*(?P<paren>" + _TOK + r")\s*\))?\s*[:\-–—]?\s*"
    r"(?:[\"“”'‘’](?P<q>[^\"“”'‘’]{2,40})[\"“”'‘’]|\((?P<pid>" + _ID + r")\)|(?P<name>[A-Za-z][A-Za-z0-9_ /&\-]{1,60}?))"
    r"\s*(?:\((?P<mn>" + _MNEM + r")\))?(?:\s*[:\-–—]\s*(?P<desc>[A-Z][A-Za-z0-9 /&,\-]{1,60}))?"
    r"(?:\s*\[[^\[\]]{1,30}\])?(?:" + _RESET_TAIL + r")?\s*$")  # a reset value after it: "[Reset = 0x80]"
# the same order in CJK: "寄存器 26. PLL1 参数", "寄存器 149.扩频参数" (register N, a decimal number,
# then its name); the name may mix CJK and Latin words
_CJK_CHARS = "\u4e00-\u9fff"
_CJK_REGFIRST_HEAD = re.compile(
    r"^\s*" + _NUMPFX + r"(?:寄存器|暫存器)\s*(?P<addr>" + _TOK + r"|\d{1,3})(?![\w])\s*[.:：、]?\s*"
    r"(?P<name>[" + _CJK_CHARS + r"A-Za-z][" + _CJK_CHARS + r"A-Za-z0-9_ /&\-]{0,30}?)\s*$")
# a short prefix glued to the address by a hyphen, the name after a colon or dash:
# "MX-02h: Speaker Output Volume", "Reg-0Ch - Record Mixer", "PR-39h: Power Control"
_PREFIXED_HEAD = re.compile(
    r"^\s*" + _NUMPFX + r"(?P<pfx>[A-Za-z]{1,5})\s?-\s?(?P<addr>[0-9A-F]{1,4}h|0x[0-9A-F]{1,4})\s*[:：\-–—]\s*"
    r"(?P<name>[A-Za-z][A-Za-z0-9_ /&(),+\-']{1,60}?)\s*(?:\((?P<mn>" + _MNEM + r")\))?\s*$")
# a decimal register number after a short prefix and "#", the name after it ("R#3 Color Table
# Address (L)", "S#0 Status"): the prefix names the register space (a block); "R#32, R#33 Source X"
# is one register over both numbers, at the first
_HASH_HEAD = re.compile(r"^\s*" + _NUMPFX + r"(?P<pfx>[A-Z][A-Za-z]{0,3})\s?#\s?(?P<num>\d{1,3})(?:\s*,\s*(?P=pfx)\s?#\s?\d{1,3}){0,3}\s*[:\-–—]?\s+"
                        r"(?P<name>[A-Z][A-Za-z0-9_ /&,+\-']{1,60}?(?:\s*\([A-Za-z0-9 ]{1,30}\))?)\s*$")
# an R-prefixed address, a colon and the name, a long name after it in parentheses:
# "R0Ah: GET_POWER_MODE (Read Display Power Mode)", "R80h: Gamma Control Register"
_RCOLON_HEAD = re.compile(
    r"^\s*" + _NUMPFX + r"R(?P<addr>[0-9A-F]{2,4})[hH]\s*:\s*(?P<name>[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z][A-Za-z0-9_]*){0,5}?)"
    r"\s*(?:\(\s*(?P<long>[^()]{1,60}?)\s*\))?(?:\s*\([^()]{0,12}\))?\s*$")
_FIELDS_HEAD = re.compile(  # (either order; each label may say "Register": "Register Address : 0x00, Register Name : X")
    r"^\s*(?:(?i:register|reg\.?)\s+)?(?:(?i:address|addr|offset)\s*[:=]\s*(?P<addr>" + _TOK + r")\s*[,;]?.{0,40}?\b(?i:name)\s*[:=]\s*"
    r"(?P<name>" + _ID + r")|(?i:name)\s*[:=]\s*(?P<name2>" + _ID + r")\s*[,;]?.{0,40}?\b(?i:address|addr|offset)\s*[:=]\s*"
    r"(?P<addr2>" + _TOK + r"))\s*$")
_INDEX_LINE = re.compile(
    r"^\s*(?i:index|address|addr|offset|register\s+(?:address|index|number)|寄存器地址|地址|偏移地址)\s*"
    r"(?:\(\s*(?:(?i:in)\s+)?(?P<base>(?i:decimal|dec|hex|hexadecimal))\s*\))?\s*[:=]\s*"
    r"(?P<addr>" + _TOK + r"|\d{1,4})\b")
_NAME_LINE = re.compile(
    r"^\s*" + _NUMPFX + r"(?:(?P<long>" + _LONG + r")\s*\((?P<mn>" + _MNEM + r")\)"
    r"|(?P<id>[A-Z][A-Z0-9_]{2,30}|[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]{2,30})"
    r"|(?P<lname>" + _LONG + r"\b(?i:register)))\s*$")
_MULTI_PART = re.compile(r"(?P<id>[A-Z][A-Z0-9_]{1,30})\s*[(\[]\s*(?P<addr>" + _TOK + r")\s*[)\]]")
_MULTI_HEAD = re.compile(
    r"^\s*" + _NUMPFX + r"[A-Z][A-Z0-9_]{1,30}\s*[(\[]\s*" + _TOK + r"\s*[)\]]"
    r"(?:\s*(?:,|/|&|(?i:and))\s*[A-Z][A-Z0-9_]{1,30}\s*[(\[]\s*" + _TOK + r"\s*[)\]])+" + _TRAIL + r"$")
# pointer-bit notation outside parentheses: "Configuration Register: P[1:0] = 01", "Tlow P1P0 = 10b"
_POINTER_HEAD = re.compile(
    r"^\s*" + _NUMPFX + r"(?:(?P<long>" + _LONG + r")\s*\((?P<mn>" + _MNEM + r")\)|(?P<name>" + _LONG + r"))"
    r"\s*[:,\-–]?\s*\(?\s*P\s*\[?\s*\d\s*:?\s*(?:P\s*)?\d\s*\]?\s*=\s*(?P<addr>" + _TOK + r"|[01]{1,4}b?|\d{1,2})\s*\)?"
    + _TRAIL + r"$")
_SEP = r"\s*(?:,|/|&|(?i:and))\s*"
_IDS = r"(?P<ids>[A-Z][A-Z0-9_]{1,30}(?:" + _SEP + r"[A-Z][A-Z0-9_]{1,30}){1,3})"
_TOKS = r"(?P<toks>" + _TOK + r"(?:" + _SEP + _TOK + r"){1,3})"
_PAIRS_HEADS = (
    re.compile(r"^\s*" + _NUMPFX + _IDS + r"\s*(?:[(\[]\s*" + _TOKS + r"\s*[)\]]|[:\-–—]\s*" + _TOKS.replace("toks", "toks2")
               + r")\s*$"),
    re.compile(r"^\s*" + _NUMPFX + r"(?i:registers?|addresses?|offsets?)\s+" + _TOKS + r"\s*[:\-–—]\s*" + _IDS
               + r"(?:\s+(?i:registers?))?\s*$"))
_REG_NAME = re.compile(r"^\s*(?P<name>REG(?P<a>[0-9A-F]{2}))\b\s*(?:\([^()]{0,20}\))?\s*$")
_CAPTION = re.compile(r"^\s*(?:table|figure|fig\.|tab\.)\s*\d", re.I)
MAX_PER_PAGE = 6  # headings are sparse; more matches of one shape on one page are table cells
_MAX_SHAPE = {"fields": 16}  # "Address: .., Name: .." lines stack densely on detail pages
_TOC_LEADER = re.compile(r"(\.\s?){4,}")
_TOC = re.compile(_TOC_LEADER.pattern + r"|(?<![=:])\s\d{1,4}\s*$")  # dot leaders, a trailing page number (not "= 01")
_SHAPES = ("paren", "bracket", "regfirst", "prefixed", "fields", "pointer", "index", "multi", "pairs", "regname", "labelled",
           "section", "sequence", "stacked", "caption", "assigned")
# ``section``: a numbered heading that names a command, followed by a small table whose
# "Command (hex)" column holds its code (and, after it, an "Address" column of the same command
# in a second protocol): "1.4.2" / "Stop continuous measurement" ... "Command (hex)" ... "0x0104"
_SEC_NUM = re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,4}\.?$")
_SEC_TITLE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){1,4}\.?\s+)?(?P<t>[A-Z(][A-Za-z0-9 ()\-/,&']{3,80})$")
_SEC_NUM_TITLE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,4}\.?\s+(?P<t>[A-Z(][A-Za-z0-9 ()\-/,&']{3,80})$")
_SEC_HDR = re.compile(r"^(?i:command|cmd|address|register address)(?:\s*(?i:\(hex\)|code|id))?$")
_SEC_TOK = re.compile(r"^(0x[0-9A-F]{2,4})(?![\w.])", re.I)
# ``stacked``: a register's heading whose name and offset come out of the text layer as two lines
# ("PISP_FE_CONTROL" / "0x0004": printed at the two ends of one heading bar), its bit table's
# header ("Bits" / "Name" / "Description") within a few lines below
_STACK_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z][A-Z0-9]{2,15}$")
_STACK_BITS = re.compile(r"^(?i:bits?|bit\s*(?:#|no\.?|number)|bits?\s+(?:name|field|description).*)$")
# ``sequence``: a numbered heading that names a command, its byte sequence printed under it one
# byte to a line, the code first: "0x10," / "LengthL," / "LengthH" (or "0x4A or 0x4B" / "Length,")
_SEQ_TITLE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,4}\.?\s+(?P<t>[A-Z(][A-Za-z0-9 ()\-/,&'+.]{3,80})$")
_SEQ_CODES = re.compile(r"^(?P<codes>0x[0-9A-F]{2}(?:\s*(?:,|or|/)\s*0x[0-9A-F]{2}){0,5})\s*(?P<comma>,)?$", re.I)
_SEQ_OPERAND = re.compile(r"^[A-Za-z0-9_\[\]]{1,16}\s*,$")  # the next byte of the sequence: "LengthL,"


@dataclass
class HeadingRegister:
    name: str
    address: int
    page: int
    long_name: str = ""
    shape: str = ""
    block: str = ""  # a device or bank prefix of the heading ("ACC Register 0x00"): two maps may share addresses
    lead: str = ""  # the heading's first word ("register", "reg"): a map's rows and headings differ in it


# the short upper-case prefix that names a block before the keyword: "ACC Register 0x02 (..)"
_BLOCK_WORD = re.compile(r"^\s*" + _NUMPFX + r"(?:(?P<blk>[A-Z]{2,5})\s+(?i:register|reg\.?)\b|(?P<blk2>[A-Z][A-Za-z]{0,3})\s?#\s?\d)")


def _tok(t: str) -> int | None:
    m = _TOK_RE.match(t.strip())
    if not m:
        return None
    if m.group("d"):
        return int(m.group("d")) if int(m.group("d")) <= 0xFFFF else None  # ("252 dec": the base as a word)
    if m.group("w"):
        digits = m.group("w").translate(_LOOKALIKE)
        return int(digits, 16) if re.fullmatch(r"[0-9A-Fa-f]{1,4}", digits) else None
    return int(m.group("r") or m.group("x") or m.group("h") or m.group("v"), 16)


def _addrs(s: str) -> tuple[list[int], bool]:
    """The address tokens of ``0x88 / 0x89`` (a list of bytes) or ``2h - 5h`` (a range: first only)."""
    toks = re.findall(_TOK, s, re.I)
    vals = [v for v in (_tok(t) for t in toks) if v is not None]
    is_range = bool(re.search(r"-|–|−|~|\.\.|\bto\b", s)) and len(vals) == 2
    return vals, is_range


def _tidy(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" :-–—")
    return re.sub(r"\s*/\s*", " / ", name) if re.fullmatch(_MNEM, name) else name


# generic words that head a diagram or a caption, never a register's name
_GENERIC = re.compile(r"^(?:instruction|command|register|address|data|byte|figure|table|note|value|default|reset|"
                      r"inst|cmd|opcode|code|bits?|field|page|section|example)s?$", re.I)


def _contents_page(lines: list[str]) -> bool:
    """A page of contents entries: dot leaders, or many lines closed by a page number."""
    full = [ln for ln in lines if ln]
    return sum(1 for ln in full if _TOC_LEADER.search(ln)) >= 3 \
        or sum(1 for ln in full if _TOC.search(ln)) >= max(5, 0.3 * len(full))


def parse_heading(line: str, page_numbers: bool = True) -> list[tuple[str, int, str, str]]:
    """The registers one heading line names: [(name, address, long name, shape)]
    (``page_numbers``: a number closing the line may be a contents entry's page number; off a
    contents page, "S#0 Status register 0" ends in the register's own number)."""
    s = line.strip()
    # (a heading closed by a reset value has no page number: "Register 0 - Control 1, Default 0000 0110")
    toc = _TOC_LEADER.search(s) if _RESET_END.search(s) or not page_numbers else _TOC.search(s)
    if not s or len(s) > 120 or toc or _CAPTION.match(s):
        return []
    m = _REG_CAPTION.match(s)
    if m:
        return [(m.group("mn"), _tok(m.group("addr")), m.group("long").strip(), "caption")]
    m = _ASSIGNED_HEAD.match(s)
    if m:
        return [(m.group("mn"), _tok(m.group("addr")), m.group("long").strip(), "assigned")]
    m = _MULTI_HEAD.match(s)
    if m:
        return [(p.group("id"), _tok(p.group("addr")), "", "multi") for p in _MULTI_PART.finditer(s)]
    m = _PAIRS_HEADS[0].match(s) or _PAIRS_HEADS[1].match(s)
    if m:
        ids = re.split(_SEP, m.group("ids"))
        toks = [_tok(t) for t in re.split(_SEP, m.groupdict().get("toks") or m.group("toks2"))]
        if len(ids) == len(toks) and None not in toks and len(set(toks)) == len(toks) \
                and not any(_GENERIC.match(i) for i in ids):
            return [(i, v, "", "pairs") for i, v in zip(ids, toks)]
    m = _PAREN_HEAD.match(s)
    if m:
        vals, is_range = _addrs(m.group("addrs"))
        if not vals:
            return []
        if m.group("lname") and not (m.group("kw") or re.match(r"R[0-9A-F]", m.group("addrs"), re.I)
                                     or re.search(r"register", m.group("lname"), re.I)
                                     or re.search(r"dec", m.group("addrs"), re.I)):
            return []  # (a long name is a register's only with a keyword, or an address spelt with its base)
        name = _tidy(m.group("mn") or m.group("id") or m.group("lname"))
        long = (m.group("long") or "").strip()
        dash = m.group("lname") and _DASH_NAMED.match(name)
        if dash:  # "VMPR - Video Memory Page Register": the mnemonic, its long name after the dash
            name, long = dash.group(1), dash.group(2)
        if _GENERIC.match(name):
            return []
        if m.group("regword") and not re.search(r"[_\d]|^[A-Z0-9]+$", name):
            name = f"{name} {m.group('regword').strip()}"  # "Control Register": a word, not a mnemonic
        if len(vals) > 1 and not is_range and re.fullmatch(r"[A-Z][A-Za-z0-9_]*", name):
            # one heading for the bytes of one register: NAME_0, NAME_1, ...
            return [(f"{name}_{i}", v, long, "paren") for i, v in enumerate(vals)]
        return [(name, vals[0], long, "paren")]
    m = _BRACKET_HEAD.match(s)
    if m:
        a = m.group("addr")
        v = int(a[2:], 16) if a.lower().startswith("0x") else int(a.rstrip("hH"), 16)
        return [(m.group("id"), v, m.group("long").strip(), "bracket")]
    m = _PREFIXED_HEAD.match(s)
    if m:
        name = _tidy(m.group("mn") or m.group("name"))
        long = m.group("name").strip() if m.group("mn") else ""
        return [(name, _tok(m.group("addr")), long, "prefixed")]
    m = _HASH_HEAD.match(s)
    if m:
        name = _tidy(m.group("name"))
        return [] if _GENERIC.match(name) or re.fullmatch(r"(?i:n/?a|reserved|unused)", name) \
            else [(name, int(m.group("num")), "", "prefixed")]
    m = _RCOLON_HEAD.match(s)
    if m:
        name = _tidy(m.group("name"))
        return [(name, int(m.group("addr"), 16), (m.group("long") or "").strip(), "prefixed")]
    m = _FIELDS_HEAD.match(s)
    if m:
        return [(m.group("name") or m.group("name2"), _tok(m.group("addr") or m.group("addr2")), "", "fields")]
    m = _POINTER_HEAD.match(s)
    if m:
        a = m.group("addr")
        v = _tok(a)
        if v is None:
            bits = a.rstrip("bB")
            v = int(bits, 2) if re.fullmatch(r"[01]+", bits) else int(bits)
        name = _tidy(m.group("mn") or m.group("name"))
        return [] if _GENERIC.match(name) else [(name, v, (m.group("long") or "").strip(), "pointer")]
    m = _REGFIRST_HEAD.match(s)
    if m:
        a = m.group("addr")
        v = _tok(a) if not a.isdigit() else int(a)
        if a.isdigit() and m.group("paren") and _tok(m.group("paren")) != v:
            return []  # "Register 107 (0x01)": the parenthesised number is a value, not the address
        name = m.group("q") or m.group("pid") or m.group("mn") or m.group("name") or ""
        name = _tidy(name)
        if not name or v is None or re.fullmatch(r"(?i:and|or|to|is|are|bits?|data|value)", name.split()[0]):
            return []
        if m.group("end") and " " in name and name[:1].islower():
            return []  # "REG[C2h ~ C4h] for the key code": a range named in prose
        long = (m.group("name") or "").strip() if m.group("mn") else (m.group("desc") or "").strip()
        return [(name, v, long, "regfirst")]
    m = _CJK_REGFIRST_HEAD.match(s)
    if m and re.search("[" + _CJK_CHARS + "]", m.group("name")):
        a = m.group("addr")
        v = _tok(a) if not a.isdigit() else int(a)
        return [] if v is None else [(_tidy(m.group("name")), v, "", "regfirst")]
    m = _REG_NAME.match(s)
    if m:
        return [(m.group("name"), int(m.group("a"), 16), "", "regname")]
    m = _LABELLED_CODE_HEAD.match(s)
    if m:
        a = m.group("addr")
        return [(m.group("id"), int(a) if a.isdigit() else _tok(a), "", "labelled")]
    return []


# a numbered heading whose long name is followed by its mnemonic assigned its code
# ("1. Version information ID_GET_VERSION=0x01")
_ASSIGNED_HEAD = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?P<long>[A-Z][A-Za-z0-9 /&,\-]{2,60}?)\s+"
                            r"(?P<mn>[A-Z][A-Z0-9_]{2,40})\s*=\s*(?P<addr>" + _TOK + r")$")
# a register's numbered caption, its long name, then its mnemonic and address
# ("Register C.8: UART1 STATUS REGISTER UART1_STAT (0x104)", "Register 4-1: STATUS Register STATUS (03h)")
_REG_CAPTION = re.compile(r"^(?i:register)\s+(?:[A-Z]\.?)?\d{1,3}(?:[.\-]\d{1,3})*\s*[:.]\s*(?P<long>[A-Za-z][A-Za-z0-9 /&,\-]{1,60}?)\s+"
                          r"(?P<mn>[A-Z][A-Z0-9_]{1,30})\s*\(\s*(?P<addr>" + _TOK + r")\s*\)$")


# a numbered heading giving a code after a label word, then the identifier it stands for
# ("4.3. Packet Type: 001 PMTK_ACK", "Message ID: 0x12 MSG_STATUS"): unmarked codes are decimal
_LABELLED_CODE_HEAD = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?:[A-Za-z]+\s+){0,2}(?:type|id|code|command|opcode)\s*:\s*"
                                 r"(?P<addr>0x[0-9a-f]{1,4}|[0-9a-f]{1,4}h|\d{1,4})\s+(?P<id>[A-Z][A-Z0-9_]{2,40})$", re.I)


_RESERVED_REST = re.compile(r"^(?:\d{1,2}(?::\d{1,2})?\s+)?(?:[01_]{1,20}|0x[0-9a-f]{1,8}|[0-9a-f]{1,8}h|-)?\s*"
                            r"reserved\.?$", re.I)


def _reserved_after(lines: list[str], i: int) -> bool:
    """The next text lines after heading line ``i`` are only a bit range down to bit 0 (the
    whole register), a default and "Reserved", and the next heading follows: a register
    description table's row for a reserved register. ("8:7 00 Reserved" is a reserved field
    of a register whose other fields follow.)"""
    idx = [j for j in range(i + 1, min(len(lines), i + 10)) if lines[j]]
    if len(idx) < 2 or not re.fullmatch(r"\d{1,2}:0", lines[idx[0]]):
        return False
    for n in (3, 2):
        if len(idx) >= n and _RESERVED_REST.match(" ".join(lines[j] for j in idx[:n])):
            nxt = idx[n] if len(idx) > n else None
            return nxt is None or bool(parse_heading(lines[nxt]))
    return False


def heading_registers(page_text: dict[int, str]) -> list[HeadingRegister]:
    """Registers named by headings, in page order; empty unless a family of headings is found."""
    fam: dict[str, list[HeadingRegister]] = {k: [] for k in _SHAPES}
    for pno in sorted(page_text):
        mark = {k: len(v) for k, v in fam.items()}
        at: dict[str, list[int]] = {}  # line numbers of each shape's matches on this page
        lines = [ln.strip() for ln in page_text[pno].splitlines()]
        contents = _contents_page(lines)
        for i, s in enumerate(lines):
            found = parse_heading(s, contents)
            if found and _reserved_after(lines, i):
                continue  # "R30 (1Eh)" then "8:0", "000000000", "Reserved": a reserved register
            if found:
                bm = _BLOCK_WORD.match(s)
                for name, addr, long, shape in found:
                    if addr is not None:
                        fam[shape].append(HeadingRegister(name, addr, pno, long, shape, (bm.group("blk") or bm.group("blk2")) if bm else "",
                                                          _first_word(s)))
                        at.setdefault(shape, []).append(i)
                continue
            if _STACK_NAME.match(s) and i + 1 < len(lines):
                v = _tok(lines[i + 1])
                if v is not None and any(_STACK_BITS.match(t) for t in lines[i + 2:i + 7]):
                    fam["stacked"].append(HeadingRegister(s, v, pno, "", "stacked"))
                    continue
            m = _INDEX_LINE.match(s)
            if m:
                hr = _index_heading(lines, i, m, pno)
                if hr is not None:
                    fam["index"].append(hr)
                continue
            # the name and "Index (In Decimal): N" on one line
            sm = re.match(r"^(?P<head>.{3,90}?)\s+(?P<rest>(?i:index|address|offset)\b.*)$", s)
            if sm and _NAME_LINE.match(sm.group("head")):
                m = _INDEX_LINE.match(sm.group("rest"))
                if m:
                    hr = _index_heading([sm.group("head")], 1, m, pno)
                    if hr is not None:
                        fam["index"].append(hr)
        fam["section"].extend(_section_commands(lines, pno))
        fam["sequence"].extend(_sequence_commands(lines, pno))
        for k, v in fam.items():
            # (only a shape that prints a name beside the keyword and the address, "REG[30h] Horizontal
            # Start Point (HSAW0)", may stand many to a page; "R12 (0Ch)" rows are a map's cells)
            limit = _MAX_SHAPE.get(k, MAX_PER_PAGE)
            if len(v) - mark[k] <= limit or (k == "regfirst" and _spread(at.get(k, []))):
                continue
            rows = at.get(k, [])
            if len(rows) != len(v) - mark[k]:
                del v[mark[k]:]  # a column of a table (a register map), not headings
                continue
            # a map's rows and the headings after it on one page differ in their first word
            # ("Reg. 43 ..." rows, then "6.1.1 Register 0 - ..."): the limit holds per first word
            first = [r.lead for r in v[mark[k]:]]
            keep = [r for r in v[mark[k]:] if first.count(r.lead) <= limit]
            del v[mark[k]:]
            v.extend(keep)
    out: list[HeadingRegister] = []
    for regs in fam.values():
        _prefix_blocks(regs)
        seen: set[tuple[str, str, int]] = set()
        uniq = []
        # one address named twice in one family by lines that start differently ("Reg. 15 A B"
        # rows of a bit map, "Register 15 - Long name" headings): the more common start names it
        leads = [r.lead for r in regs]
        named: dict[tuple[str, int], set[str]] = {}
        for r in regs:
            named.setdefault((r.block, r.address), set()).add(r.lead)
        regs = [r for r in regs if len(named[(r.block, r.address)]) == 1
                or leads.count(r.lead) == max(leads.count(x) for x in named[(r.block, r.address)])]
        for r in regs:
            if (r.block, r.name, r.address) not in seen:  # (two blocks may hold one name at one address)
                seen.add((r.block, r.name, r.address))
                uniq.append(r)
        if len({r.address for r in uniq}) < 3 or len({(r.block, r.address) for r in uniq}) < 0.7 * len(uniq) \
                or len({r.name.lower() for r in uniq}) < 3:
            continue
        out.extend(uniq)
    return out


def _first_word(line: str) -> str:
    m = re.search(r"[A-Za-z]+", re.sub(r"^\s*" + _NUMPFX, "", line))
    return m.group(0).lower() if m else ""


def _prefix_blocks(regs: list[HeadingRegister]) -> None:
    """Blocks for a family of headings that reuses offsets (two units' maps, each from 0) where
    the names say which unit: the shortest name prefix ("PISP_FE" / "PISP_BE") that splits the
    family into groups of three or more, each with offsets of its own."""
    free = [r for r in regs if not r.block]
    if len({r.address for r in free}) == len(free) or any("_" not in r.name for r in free):
        return
    for k in (1, 2, 3):
        groups: dict[str, list[HeadingRegister]] = {}
        for r in free:
            parts = r.name.split("_")
            if len(parts) <= k:
                break
            groups.setdefault("_".join(parts[:k]), []).append(r)
        else:
            if len(groups) >= 2 and all(len(g) >= 3 and len({r.address for r in g}) == len(g) for g in groups.values()):
                for key, g in groups.items():
                    for r in g:
                        r.block = key
                return


def _spread(lines_at: list[int]) -> bool:
    """Matches that each head a block of their own (a bit table of five or more lines under
    each): headings of small registers, many to a page, not the cells of one table column."""
    gaps = sorted(b - a for a, b in zip(lines_at, lines_at[1:]))
    return len(gaps) >= 2 and gaps[len(gaps) // 4] >= 5


def _section_commands(lines: list[str], pno: int) -> list[HeadingRegister]:
    """Codes under a "Command (hex)" / "Address (hex)" column header of the small tables (at most
    two: one per protocol) that follow a numbered heading on the same page; the heading names
    them. A heading that names a register ("... Register") is left to the other shapes."""
    out: list[HeadingRegister] = []
    title, n_tables = None, 0
    lines = [s for s in lines if s]
    for i, s in enumerate(lines):
        m = _SEC_NUM_TITLE.match(s)
        if m is None and _SEC_NUM.match(s) and i + 1 < len(lines):
            m = _SEC_TITLE.match(lines[i + 1])
        if m is not None or _SEC_NUM.match(s):
            t = m.group("t").strip() if m else ""
            ok = m is not None and not _TOC.search(t) and not re.search(r"\bregisters?\b", t, re.I)
            title, n_tables = (t if ok else None), 0
            continue
        if title is None or not _SEC_HDR.match(s):
            continue
        for t in lines[i + 1:i + 7]:
            tm = _SEC_TOK.match(t)
            if tm:
                out.append(HeadingRegister(title, int(tm.group(1), 16), pno, "", "section"))
                break
        n_tables += 1
        if n_tables == 2:
            title = None
    return out


def _sequence_commands(lines: list[str], pno: int) -> list[HeadingRegister]:
    """Commands whose numbered heading is followed, within four lines, by the command's byte
    sequence: a line of the code (or of alternative codes) that goes on to the next byte, a
    trailing comma on it or on the operand line after it."""
    out: list[HeadingRegister] = []
    lines = [s for s in lines if s]
    for i, s in enumerate(lines):
        m = _SEQ_TITLE.match(s)
        if m is None or _TOC.search(s):
            continue
        for j in range(i + 1, min(i + 5, len(lines))):
            if _SEQ_TITLE.match(lines[j]):
                break
            c = _SEQ_CODES.match(lines[j])
            if c is None:
                continue
            if c.group("comma") or (j + 1 < len(lines) and _SEQ_OPERAND.match(lines[j + 1])):
                for tok in re.findall(r"0x[0-9A-F]{2}", c.group("codes"), re.I):
                    out.append(HeadingRegister(_tidy(m.group("t")), int(tok, 16), pno, "", "sequence"))
            break
    return out


def _index_heading(lines: list[str], i: int, m: re.Match, pno: int) -> HeadingRegister | None:
    """``Index (In Decimal): 4`` under a heading line that names the register (within two lines)."""
    a = m.group("addr")
    base = (m.group("base") or "").lower()
    if a.isdigit():
        v = int(a) if base.startswith("dec") or not base else int(a, 16)
        if not base and len(a) > 1 and a.startswith("0"):
            v = int(a, 16)  # "04" printed padded: a hex byte
    else:
        v = _tok(a)
    if v is None:
        return None
    for j in (i - 1, i - 2):
        if j < 0:
            break
        nm = _NAME_LINE.match(lines[j])
        if nm and not _TOC.search(lines[j]) and not _CAPTION.match(lines[j]):
            name = _tidy(nm.group("mn") or nm.group("id") or nm.group("lname"))
            return HeadingRegister(name, v, pno, (nm.group("long") or "").strip(), "index")
    return None
