"""CMSIS-SVD → ``Datasheet`` (the same record a PDF datasheet becomes).

Implements the parts of the CMSIS-SVD schema that decide what a register *is*:

* register properties (``size``, ``access``, ``resetValue``) inherited device → peripheral
  → cluster → register;
* ``derivedFrom`` on peripherals (copy of the base's registers at the new base address),
  clusters and registers;
* ``dim``/``dimIncrement``/``dimIndex`` arrays on peripherals, clusters and registers,
  expanded (``%s`` replaced by each index; ``[%s]`` arrays become ``NAME0``, ``NAME1`` ...);
* clusters flattened with their name as a prefix (``CH0_CTRL``), addresses accumulated;
* fields from ``bitOffset``/``bitWidth``, ``lsb``/``msb`` or ``bitRange``.

Registers get absolute addresses (peripheral base + cluster offsets + register offset).
Only the standard library is used (``xml.etree``): SVD files are plain, well-formed XML and
a whole 1 MB SVD parses in well under a second. Malformed entries become ``warnings``;
input that is not XML or has no ``<device>`` raises ``ParseError``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from firmcorpus.parsers.models import Datasheet, Field, ParseError, Peripheral, Register, Section

_ACCESS = {
    "read-only": "r", "write-only": "w", "read-write": "rw", "writeonce": "w", "read-writeonce": "rw",
}


class SVDError(ParseError):
    reason = "bad_svd"


def _int(text: str | None) -> int | None:
    """SVD scaled non-negative integers: ``0x1F``, ``#1010`` (binary), ``0b1010``, decimal."""
    if text is None:
        return None
    t = text.strip().lower().replace("_", "")
    if not t:
        return None
    try:
        if t.startswith("0x"):
            return int(t[2:].replace("x", "0"), 16)
        if t.startswith("#"):
            return int(t[1:].replace("x", "0"), 2)
        if t.startswith("0b"):
            return int(t[2:].replace("x", "0"), 2)
        m = re.fullmatch(r"(\d+)([kmg]?)", t)
        if m:
            return int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[m.group(2)]
        return int(t, 0)
    except ValueError:
        return None


def _text(el: ET.Element | None, tag: str) -> str | None:
    if el is None:
        return None
    c = el.find(tag)
    return None if c is None or c.text is None else c.text.strip()


def _desc(el: ET.Element) -> str:
    return re.sub(r"\s+", " ", _text(el, "description") or "").strip()


def _overlay(base: ET.Element, el: ET.Element) -> ET.Element:
    """``derivedFrom``: the base element with the deriving element's children replacing its own.

    Children are shared, not copied (ElementTree elements have no parent pointer), so a
    derived STM32 peripheral costs a list, not a deep copy of hundreds of registers.
    """
    tags = {c.tag for c in el}
    out = ET.Element(base.tag, dict(base.attrib))
    out.extend([c for c in base if c.tag not in tags])
    out.extend(list(el))
    return out


def _props(el: ET.Element, inherited: dict) -> dict:
    p = dict(inherited)
    for tag in ("size", "access", "resetValue", "resetMask"):
        v = _text(el, tag)
        if v is not None:
            p[tag] = v
    return p


def _dim_names(el: ET.Element, name: str, ds: Datasheet) -> list[tuple[str, int]]:
    """(expanded name, index) pairs for a ``dim`` element; [(name, 0)] when not an array."""
    dim = _int(_text(el, "dim"))
    if not dim:
        return [(name, 0)]
    idx_txt = _text(el, "dimIndex")
    if idx_txt:
        m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", idx_txt)
        if m:
            idx = [str(i) for i in range(int(m.group(1)), int(m.group(2)) + 1)]
        else:
            m = re.fullmatch(r"\s*([A-Z])\s*-\s*([A-Z])\s*", idx_txt)
            idx = ([chr(c) for c in range(ord(m.group(1)), ord(m.group(2)) + 1)] if m
                   else [s.strip() for s in idx_txt.split(",")])
    else:
        idx = [str(i) for i in range(dim)]
    if len(idx) != dim:
        ds.warnings.append(f"{name}: dimIndex has {len(idx)} entries for dim={dim}")
        idx = (idx + [str(i) for i in range(len(idx), dim)])[:dim]
    base = name.replace("[%s]", "%s")
    if "%s" not in base:
        base = base + "%s"
    return [(base.replace("%s", s), k) for k, s in enumerate(idx)]


def _fields(reg_el: ET.Element, reg_access: str | None, ds: Datasheet, where: str) -> list[Field]:
    out: list[Field] = []
    fields_el = reg_el.find("fields")
    if fields_el is None:
        return out
    by_name = {}
    for f in fields_el.findall("field"):
        base = f.get("derivedFrom")
        if base and base in by_name:
            f = _overlay(by_name[base], f)
        name = _text(f, "name")
        if not name:
            ds.warnings.append(f"{where}: field without a name")
            continue
        by_name[name] = f
        lsb = msb = None
        off, width = _int(_text(f, "bitOffset")), _int(_text(f, "bitWidth"))
        if off is not None:
            lsb, msb = off, off + (width or 1) - 1
        elif _text(f, "lsb") is not None:
            lsb, msb = _int(_text(f, "lsb")), _int(_text(f, "msb"))
        elif _text(f, "bitRange"):
            m = re.fullmatch(r"\[(\d+):(\d+)\]", _text(f, "bitRange").replace(" ", ""))
            if m:
                msb, lsb = int(m.group(1)), int(m.group(2))
        if lsb is None or msb is None:
            ds.warnings.append(f"{where}.{name}: field without a bit position")
            continue
        access = _ACCESS.get((_text(f, "access") or "").lower(), reg_access)
        for fname, k in _dim_names(f, name, ds):
            shift = k * (_int(_text(f, "dimIncrement")) or 0)
            lo, hi = lsb + shift, msb + shift
            out.append(Field(name=fname, bits=str(lo) if hi == lo else f"{hi}:{lo}", access=access,
                             description=_desc(f)))
    out.sort(key=lambda f: -int(f.bits.split(":")[0]))
    return out


def _walk(container: ET.Element, base: int, prefix: str, props: dict, periph: str, ds: Datasheet,
          out: list[Register]) -> None:
    """Registers and clusters of a peripheral or cluster, in document order."""
    by_name: dict[str, ET.Element] = {}
    for el in list(container):
        if el.tag not in ("register", "cluster"):
            continue
        derived = el.get("derivedFrom")
        if derived:
            src = by_name.get(derived.split(".")[-1])
            if src is None:
                ds.warnings.append(f"{periph}: derivedFrom {derived!r} not found")
            else:
                el = _overlay(src, el)
        name = _text(el, "name")
        if not name:
            ds.warnings.append(f"{periph}: {el.tag} without a name")
            continue
        by_name[name] = el
        offset = _int(_text(el, "addressOffset"))
        if offset is None:
            ds.warnings.append(f"{periph}.{name}: no addressOffset")
            continue
        p = _props(el, props)
        inc = _int(_text(el, "dimIncrement")) or 0
        for ename, k in _dim_names(el, name, ds):
            addr = base + offset + k * inc
            if el.tag == "cluster":
                _walk(el, addr, f"{prefix}{ename}_", p, periph, ds, out)
                continue
            size = _int(p.get("size")) or 32
            access = _ACCESS.get((p.get("access") or "").lower())
            reset = _int(p.get("resetValue"))
            out.append(Register(
                name=prefix + ename, address=f"0x{addr:x}", peripheral=periph, address_kind="absolute",
                width_bits=size, reset=None if reset is None else f"0x{reset:x}", access=access,
                description=_desc(el), page=None, section_id=periph,
                fields=_fields(el, access, ds, f"{periph}.{prefix}{ename}"),
            ))


def parse_svd(source: str | Path | bytes) -> Datasheet:
    if isinstance(source, (bytes, bytearray)):
        data, name = bytes(source), "<bytes>"
    else:
        p = Path(source)
        if not p.is_file():
            raise SVDError(f"{p}: no such file")
        data, name = p.read_bytes(), p.name
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise SVDError(f"{name}: not well-formed XML ({e}); is it a CMSIS-SVD file?") from e
    # namespaced or plain <device>
    if root.tag.split("}")[-1] != "device":
        raise SVDError(f"{name}: root element is <{root.tag}>, expected <device> (CMSIS-SVD)")
    for el in root.iter():  # drop namespaces so find() works on plain tags
        if "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    ds = Datasheet(source=name, pages=0, title=_text(root, "name") or "")
    dev_props = _props(root, {"size": "32"})
    periphs_el = root.find("peripherals")
    if periphs_el is None:
        ds.warnings.append("device has no <peripherals>")
        return ds
    by_name: dict[str, ET.Element] = {}
    regs: list[Register] = []
    for pel in periphs_el.findall("peripheral"):
        pname = _text(pel, "name")
        if not pname:
            ds.warnings.append("peripheral without a name")
            continue
        derived = pel.get("derivedFrom")
        src = pel
        if derived:
            base_el = by_name.get(derived)
            if base_el is None:
                ds.warnings.append(f"{pname}: derivedFrom {derived!r} not found")
            else:
                src = _overlay(base_el, pel)
        by_name[pname] = src
        base = _int(_text(src, "baseAddress"))
        if base is None:
            ds.warnings.append(f"{pname}: no baseAddress")
            continue
        props = _props(src, dev_props)
        inc = _int(_text(src, "dimIncrement")) or 0
        desc = _desc(src)
        for ename, k in _dim_names(src, pname, ds):
            pbase = base + k * inc
            ds.peripherals.append(Peripheral(name=ename, base_address=f"0x{pbase:x}", description=desc))
            start = len(regs)
            rel = src.find("registers")
            if rel is not None:
                _walk(rel, pbase, "", props, ename, ds, regs)
            n = len(regs) - start
            ds.sections.append(Section(id=ename, title=f"{ename}: {desc}" if desc else ename, level=1,
                                       page_start=0, page_end=0, text=f"{ename} at 0x{pbase:x}: {n} registers. {desc}"))
    ds.registers = regs
    return ds
