"""Device trees (``.dts``, ``.dtsi``, overlays) → node symbols, through ``tree-sitter-devicetree``.

Every node is a ``Symbol(kind="node")``: ``name`` is the node name with its unit address
(``serial@40011000``; a ``&label { … }`` override is named ``&label``), ``parent`` the
enclosing node's name, ``value`` the raw ``compatible`` list, ``int_value`` the first address
of ``reg`` (two cells when the node's parent says ``#address-cells = <2>``), else the unit
address, ``type`` the node's label (``usart1``), ``role`` ``"register"`` when the node has an
address. ``#include`` and ``/include/`` files are the includes; ``#define`` lines are macros.
"""

from __future__ import annotations

import re

from parsers.models import CodeFile, Symbol

_DTS_INCLUDE_RE = re.compile(r'^[ \t]*/include/[ \t]*"([^"\n]+)"', re.M)


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _int(tok: str) -> int | None:
    try:
        return int(tok, 0)
    except ValueError:
        return None


def parse_devicetree(cf: CodeFile, text: str, data: bytes) -> None:
    from parsers.code import _clean_value, _parser, _scan_directives, _count_errors

    symbols: list[Symbol] = []
    for name, params, body, inc, l0, l1 in _scan_directives(text):
        if name is not None:
            sym = Symbol(kind="macro", name=name, start_line=l0, end_line=l1, value=_clean_value(body)[:1000])
            if params is not None:
                sym.signature = f"{name}{params}"
            symbols.append(sym)
        else:
            m = re.match(r'\s*(?:"([^"\n]+)"|<([^>\n]+)>)', body)
            if m:
                cf.includes.append(m.group(1) or m.group(2))
                if m.group(2):
                    cf.angle_includes.append(m.group(2))
    cf.includes.extend(m.group(1) for m in _DTS_INCLUDE_RE.finditer(text))

    tree = _parser("devicetree").parse(data)
    root = tree.root_node
    cf.parse_errors = _count_errors(root)

    def visit(node, parent: str | None, addr_cells: int, depth: int) -> None:
        if depth > 200:
            return
        for child in node.children:
            t = child.type
            if t == "node":
                node_symbol(child, parent, addr_cells, depth)
            elif t in ("ERROR", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif"):
                visit(child, parent, addr_cells, depth + 1)

    def node_symbol(node, parent: str | None, addr_cells: int, depth: int) -> None:
        # one pass over the children: dtc requires properties before subnodes, so
        # #address-cells is known before the child nodes that depend on it
        label_n = node.child_by_field_name("label")
        name_n = node.child_by_field_name("name")
        name = _text(name_n) if name_n is not None else "?"
        sym = Symbol("node", name, node.start_point[0] + 1, node.end_point[0] + 1, None, parent,
                     type=_text(label_n) if label_n is not None else None)
        symbols.append(sym)
        child_cells = 1
        reg = None
        unit = None
        for c in node.children:
            t = c.type
            if t == "property":
                pn = c.child_by_field_name("name")
                pname = pn.text if pn is not None else b""
                if pname == b"compatible":
                    vals = [_text(v) for v in c.children if v.type == "string_literal"]
                    sym.value = ", ".join(vals)[:500]
                elif pname == b"reg":
                    cells = [_int(_text(v)) for vc in c.children if vc.type == "integer_cells"
                             for v in vc.children if v.type == "integer_literal"]
                    if cells and all(x is not None for x in cells[:addr_cells]):
                        reg = 0
                        for x in cells[:addr_cells]:
                            reg = (reg << 32) | x
                elif pname == b"#address-cells":
                    cells = [_int(_text(v)) for vc in c.children if vc.type == "integer_cells"
                             for v in vc.children if v.type == "integer_literal"]
                    if cells and cells[0] in (1, 2, 3):
                        child_cells = cells[0]
            elif t == "node":
                if depth < 200:
                    node_symbol(c, sym.name, child_cells, depth + 1)
            elif t == "unit_address":
                unit = _text(c)
                sym.name = f"{name}@{unit}"
            elif t == "reference" and name_n is None:
                sym.name = name = _text(c)
            elif t in ("ERROR", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif"):
                visit(c, sym.name, child_cells, depth + 1)
        if reg is None and unit is not None:
            reg = _int("0x" + unit.split(",")[0])
        if reg is not None and reg < (1 << 63):
            sym.int_value = reg
            sym.role = "register"

    visit(root, None, 1, 0)
    symbols.sort(key=lambda s: (s.start_line, s.end_line))
    cf.symbols = symbols
