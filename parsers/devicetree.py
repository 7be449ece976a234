"""Device trees (``.dts``, ``.dtsi``, overlays) → node symbols, through ``tree-sitter-devicetree``.

Every node is a ``Symbol(kind="node")``: ``name`` is the node name with its unit address
(``serial@40011000``; a ``&label { … }`` override is named ``&label``), ``parent`` the
enclosing node's name, ``value`` the raw ``compatible`` list, ``int_value`` the first address
of ``reg`` (two cells when the node's parent says ``#address-cells = <2>``), else the unit
address, ``type`` the node's label (``usart1``), ``role`` ``"register"`` when the node has an
address. ``#include`` and ``/include/`` files are the includes; ``#define`` lines are macros.

When ``parsers/_tswalk.c`` is built, the parse and the walk run in C (same included ranges, same
rules, same symbols; see ``parsers._native``); ``_walk_python`` is the reference and the fallback.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter

import tree_sitter_devicetree

from firmcorpus.parsers import _native
from firmcorpus.parsers.directives import clean_value
from firmcorpus.parsers.directives import directives as find_directives
from firmcorpus.parsers.models import CodeFile, Symbol
from firmcorpus.parsers.treesitter import count_errors, get_parser, outside_ranges, parse_outside

_DTS_INCLUDE_RE = re.compile(r'^[ \t]*/include/[ \t]*"([^"\n]+)"', re.M)


def _int(tok: str) -> int | None:
    try:
        return int(tok, 0)
    except ValueError:
        return None


# Only three properties matter (compatible, reg, #address-cells): a property node is looked into
# only when its source starts with one of these names; a file with a labelled one of them
# (`lbl: reg = <…>;`, the label starts the node) is read with the exact check on every property.
_WANTED = (b"compatible", b"reg", b"#address-cells")
_LABELLED_RE = re.compile(rb":(?<=\w:)(?:[ \t\r\n]|/\*.*?\*/|//[^\n]*)*(?:compatible|reg|#address-cells)"
                          rb"(?![\w,.+*#?@-])", re.S)
_CONTAINERS = frozenset(("ERROR", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif"))


@lru_cache(maxsize=None)
def _kinds(language) -> dict[str, int | frozenset[int]]:
    """Symbol ids of the node types the walk tests (an int compare instead of a type string per
    child); a name with several ids (aliases) gets them all."""
    ids: dict[str, set[int]] = {}
    for i in range(language.node_kind_count):
        if language.node_kind_is_named(i):
            ids.setdefault(language.node_kind_for_id(i), set()).add(i)
    one = {}
    for name in ("node", "property", "unit_address", "reference", "string_literal", "integer_cells",
                 "integer_literal"):
        (one[name],) = ids[name]  # unique in tree-sitter-devicetree; fails loudly if a grammar update aliases one
    containers = {0xFFFF}  # ERROR nodes report the builtin error symbol
    for name in _CONTAINERS:
        containers |= ids.get(name, set())
    one["containers"] = frozenset(containers)
    return one


def _cells(prop, n: int, k_cells: int, k_int: int) -> list[int | None]:
    """The first ``n`` integer literals of a property's ``<…>`` cells (callers read no more)."""
    out = []
    for vc in prop.children:
        if vc.kind_id == k_cells:
            for v in vc.children:
                if v.kind_id == k_int:
                    out.append(_int(v.text.decode("utf-8", "replace")))
                    if len(out) == n:
                        return out
    return out


def parse_devicetree(cf: CodeFile, text: str, data: bytes) -> None:
    symbols: list[Symbol] = []
    directives = find_directives(text)
    for name, params, body, inc, l0, l1, _, _ in directives:
        if name is not None:
            sym = Symbol(kind="macro", name=name, start_line=l0, end_line=l1, value=clean_value(body)[:1000])
            if params is not None:
                sym.signature = f"{name}{params}"
            symbols.append(sym)
        else:
            m = re.match(r'\s*(?:"([^"\n]+)"|<([^>\n]+)>)', body)
            if m:
                cf.includes.append(m.group(1) or m.group(2))
                if m.group(2):
                    cf.angle_includes.append(m.group(2))
    if "/include/" in text:
        cf.includes.extend(m.group(1) for m in _DTS_INCLUDE_RE.finditer(text))

    exact = _LABELLED_RE.search(data) is not None
    ascii_text = len(data) == len(text)
    if _tswalk is not None:
        capsule, kinds, fields = _walk_tables()
        nodes, cf.parse_errors = _tswalk.devicetree(
            data, capsule, outside_ranges(data, [d[4:] for d in directives]) if ascii_text else None, exact,
            kinds, fields, Symbol)
        symbols.extend(nodes)
    else:
        _walk_python(cf, data, directives, ascii_text, exact, symbols)
    symbols.sort(key=_LINE_KEY)
    cf.symbols = symbols


def _walk_python(cf: CodeFile, data: bytes, directives: list, ascii_text: bool, exact: bool,
                 symbols: list[Symbol]) -> None:
    """Parse and walk in Python (``parsers/_tswalk.c`` does the same in C)."""

    # the directive lines were read above: tree-sitter skips them (see parsers.treesitter.parse_outside)
    tree = (parse_outside("devicetree", data, [d[4:] for d in directives]) if ascii_text
            else get_parser("devicetree").parse(data))
    root = tree.root_node
    cf.parse_errors = count_errors(root)
    language = tree.language
    f_name = language.field_id_for_name("name")
    f_label = language.field_id_for_name("label")
    kinds = _kinds(language)
    k_node, k_prop, k_unit, k_ref = kinds["node"], kinds["property"], kinds["unit_address"], kinds["reference"]
    k_str, k_cells, k_int, k_cont = kinds["string_literal"], kinds["integer_cells"], kinds["integer_literal"], \
        kinds["containers"]
    wanted = _WANTED
    starts = data.startswith
    add = symbols.append

    def visit(node, parent: str | None, addr_cells: int, depth: int) -> None:
        if depth > 200:
            return
        for child in node.children:
            k = child.kind_id
            if k == k_node:
                node_symbol(child, parent, addr_cells, depth)
            elif k in k_cont:
                visit(child, parent, addr_cells, depth + 1)

    def node_symbol(node, parent: str | None, addr_cells: int, depth: int) -> None:
        # one pass over the children: dtc requires properties before subnodes, so
        # #address-cells is known before the child nodes that depend on it
        label_n = node.child_by_field_id(f_label)
        name_n = node.child_by_field_id(f_name)
        name = name_n.text.decode("utf-8", "replace") if name_n is not None else "?"
        sym = Symbol("node", name, node.start_point[0] + 1, node.end_point[0] + 1, None, parent, None, None, None,
                     label_n.text.decode("utf-8", "replace") if label_n is not None else None)
        add(sym)
        child_cells = 1
        reg = None
        unit = None
        for c in node.children:
            k = c.kind_id
            if k == k_prop:
                if not exact and not starts(wanted, c.start_byte):
                    continue
                pn = c.child_by_field_id(f_name)
                pname = pn.text if pn is not None else b""
                if pname == b"compatible":
                    vals = [v.text.decode("utf-8", "replace") for v in c.children if v.kind_id == k_str]
                    sym.value = ", ".join(vals)[:500]
                elif pname == b"reg":
                    cells = _cells(c, addr_cells, k_cells, k_int)
                    if cells and all(x is not None for x in cells):
                        reg = 0
                        for x in cells:
                            reg = (reg << 32) | x
                elif pname == b"#address-cells":
                    cells = _cells(c, 1, k_cells, k_int)
                    if cells and cells[0] in (1, 2, 3):
                        child_cells = cells[0]
            elif k == k_node:
                if depth < 200:
                    node_symbol(c, sym.name, child_cells, depth + 1)
            elif k == k_unit:
                unit = c.text.decode("utf-8", "replace")
                sym.name = f"{name}@{unit}"
            elif k == k_ref and name_n is None:
                sym.name = name = c.text.decode("utf-8", "replace")
            elif k in k_cont:
                visit(c, sym.name, child_cells, depth + 1)
        if reg is None and unit is not None:
            reg = _int("0x" + unit.split(",")[0])
        if reg is not None and reg < (1 << 63):
            sym.int_value = reg
            sym.role = "register"

    visit(root, None, 1, 0)


_LINE_KEY = attrgetter("start_line", "end_line")


# --------------------------------------------------------------------------- the C walker

_TSWALK_VERSION = _native.TSWALK_VERSION
_tswalk = _native.tswalk  # parsers/_tswalk.c, or None (see parsers._native)


@lru_cache(maxsize=None)
def _walk_tables():
    """What ``_tswalk.devicetree`` needs of the grammar: its language capsule, the node kinds of
    ``_kinds`` and the field ids of name and label."""

    language = get_parser("devicetree").language
    k = _kinds(language)
    kinds = (k["node"], k["property"], k["unit_address"], k["reference"], k["string_literal"], k["integer_cells"],
             k["integer_literal"], tuple(sorted(k["containers"])))
    return (tree_sitter_devicetree.language(), kinds,
            (language.field_id_for_name("name"), language.field_id_for_name("label")))

