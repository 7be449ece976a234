/* Device-tree parsing in C: parse, count errors and collect node symbols in one call.
 *
 * parsers/devicetree.py walks a py-tree-sitter tree in Python; on Linux device trees that walk
 * cost more than the parse itself (a Python Node object per child, a Point per line number).
 * This module links the tree-sitter runtime (third_party/tree-sitter, the same 0.25.2 sources
 * py-tree-sitter is built from, so trees are identical), parses with the same included ranges and
 * runs the same walk. parsers/devicetree.py keeps the Python walk as the reference and the
 * fallback; tests/parsers/test_tswalk.py checks both give equal results.
 *
 * The walk is parsers/devicetree.py's visit/node_symbol rule for rule; see that file for the
 * meaning of each field.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "tree_sitter/api.h"

#define TSWALK_VERSION 1 /* parsers/devicetree.py uses this module only when its _TSWALK_VERSION matches */
#define MAX_DEPTH 200
#define MAX_CONTAINERS 16

static PyObject *s_node, *s_register, *s_0x, *s_comma_space, *two63;

typedef struct {
    const char *src;
    Py_ssize_t n;
    TSSymbol k_node, k_prop, k_unit, k_ref, k_str, k_cells, k_int;
    TSSymbol conts[MAX_CONTAINERS];
    int nconts;
    TSFieldId f_name, f_label;
    int exact;
    PyObject *syms, *sym_cls;
} walk_t;

static int is_cont(const walk_t *w, TSSymbol k) {
    for (int i = 0; i < w->nconts; i++)
        if (w->conts[i] == k) return 1;
    return 0;
}

/* node.text.decode("utf-8", "replace") */
static PyObject *node_str(const walk_t *w, TSNode node) {
    uint32_t a = ts_node_start_byte(node), b = ts_node_end_byte(node);
    if (b > (uint32_t)w->n) b = (uint32_t)w->n;
    if (a > b) a = b;
    return PyUnicode_DecodeUTF8(w->src + a, (Py_ssize_t)(b - a), "replace");
}

static int node_text_is(const walk_t *w, TSNode node, const char *lit) {
    uint32_t a = ts_node_start_byte(node), b = ts_node_end_byte(node);
    size_t len = strlen(lit);
    return b <= (uint32_t)w->n && b - a == len && memcmp(w->src + a, lit, len) == 0;
}

/* devicetree._int: int(text, 0), or None (borrowed-None returned as a new reference) */
static PyObject *int0(PyObject *text) {
    PyObject *v = PyLong_FromUnicodeObject(text, 0);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_ValueError)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return v;
}

/* devicetree._cells: the first n integer literals of a property's <...> cells, as a list */
static PyObject *cells(const walk_t *w, TSNode prop, Py_ssize_t n) {
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    TSTreeCursor c1 = ts_tree_cursor_new(prop);
    for (bool ok1 = ts_tree_cursor_goto_first_child(&c1); ok1; ok1 = ts_tree_cursor_goto_next_sibling(&c1)) {
        TSNode vc = ts_tree_cursor_current_node(&c1);
        if (ts_node_symbol(vc) != w->k_cells) continue;
        TSTreeCursor c2 = ts_tree_cursor_new(vc);
        for (bool ok2 = ts_tree_cursor_goto_first_child(&c2); ok2; ok2 = ts_tree_cursor_goto_next_sibling(&c2)) {
            TSNode v = ts_tree_cursor_current_node(&c2);
            if (ts_node_symbol(v) != w->k_int) continue;
            PyObject *t = node_str(w, v);
            PyObject *x = t != NULL ? int0(t) : NULL;
            Py_XDECREF(t);
            if (x == NULL || PyList_Append(out, x) < 0) {
                Py_XDECREF(x);
                Py_CLEAR(out);
            } else {
                Py_DECREF(x);
            }
            if (out == NULL || PyList_GET_SIZE(out) == n) {
                ts_tree_cursor_delete(&c2);
                ts_tree_cursor_delete(&c1);
                return out;
            }
        }
        ts_tree_cursor_delete(&c2);
    }
    ts_tree_cursor_delete(&c1);
    return out;
}

static int node_symbol(walk_t *w, TSNode node, PyObject *parent, long addr_cells, int depth);

static int visit(walk_t *w, TSNode node, PyObject *parent, long addr_cells, int depth) {
    if (depth > MAX_DEPTH) return 0;
    int rc = 0;
    TSTreeCursor cur = ts_tree_cursor_new(node);
    for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok && rc == 0; ok = ts_tree_cursor_goto_next_sibling(&cur)) {
        TSNode c = ts_tree_cursor_current_node(&cur);
        TSSymbol k = ts_node_symbol(c);
        if (k == w->k_node) rc = node_symbol(w, c, parent, addr_cells, depth);
        else if (is_cont(w, k)) rc = visit(w, c, parent, addr_cells, depth + 1);
    }
    ts_tree_cursor_delete(&cur);
    return rc;
}

static const char *WANTED[] = {"compatible", "reg", "#address-cells"};

static int starts_wanted(const walk_t *w, uint32_t at) {
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(WANTED[i]);
        if ((Py_ssize_t)at + (Py_ssize_t)len <= w->n && memcmp(w->src + at, WANTED[i], len) == 0) return 1;
    }
    return 0;
}

/* the (reg << 32) | x fold of a reg property's cells, or NULL with no error when a cell is None */
static PyObject *fold_cells(PyObject *list) {
    PyObject *reg = PyLong_FromLong(0), *shift = PyLong_FromLong(32);
    if (reg == NULL || shift == NULL) goto fail;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        PyObject *x = PyList_GET_ITEM(list, i);
        PyObject *sh = PyNumber_Lshift(reg, shift);
        if (sh == NULL) goto fail;
        PyObject *r = PyNumber_Or(sh, x);
        Py_DECREF(sh);
        if (r == NULL) goto fail;
        Py_SETREF(reg, r);
    }
    Py_DECREF(shift);
    return reg;
fail:
    Py_XDECREF(reg);
    Py_XDECREF(shift);
    return NULL;
}

static int node_symbol(walk_t *w, TSNode node, PyObject *parent, long addr_cells, int depth) {
    TSNode label_n = ts_node_child_by_field_id(node, w->f_label);
    TSNode name_n = ts_node_child_by_field_id(node, w->f_name);
    int has_name = !ts_node_is_null(name_n);
    PyObject *name = has_name ? node_str(w, name_n) : PyUnicode_FromString("?");
    PyObject *cur = NULL, *label = NULL, *value = NULL, *reg = NULL, *unit = NULL, *sym = NULL;
    long child_cells = 1;
    int rc = -1;
    TSTreeCursor tc = ts_tree_cursor_new(node);
    if (name == NULL) {
        ts_tree_cursor_delete(&tc);
        return -1;
    }
    Py_ssize_t idx = PyList_GET_SIZE(w->syms);
    if (PyList_Append(w->syms, Py_None) < 0) goto done; /* the slot keeps pre-order; filled below */
    label = ts_node_is_null(label_n) ? Py_NewRef(Py_None) : node_str(w, label_n);
    if (label == NULL) goto done;
    cur = Py_NewRef(name);
    for (bool ok = ts_tree_cursor_goto_first_child(&tc); ok; ok = ts_tree_cursor_goto_next_sibling(&tc)) {
        TSNode c = ts_tree_cursor_current_node(&tc);
        TSSymbol k = ts_node_symbol(c);
        if (k == w->k_prop) {
            if (!w->exact && !starts_wanted(w, ts_node_start_byte(c))) continue;
            TSNode pn = ts_node_child_by_field_id(c, w->f_name);
            if (ts_node_is_null(pn)) continue;
            if (node_text_is(w, pn, "compatible")) {
                PyObject *vals = PyList_New(0);
                if (vals == NULL) goto done;
                TSTreeCursor vcur = ts_tree_cursor_new(c);
                for (bool ok2 = ts_tree_cursor_goto_first_child(&vcur); ok2; ok2 = ts_tree_cursor_goto_next_sibling(&vcur)) {
                    TSNode v = ts_tree_cursor_current_node(&vcur);
                    if (ts_node_symbol(v) != w->k_str) continue;
                    PyObject *t = node_str(w, v);
                    if (t == NULL || PyList_Append(vals, t) < 0) {
                        Py_XDECREF(t);
                        Py_CLEAR(vals);
                        break;
                    }
                    Py_DECREF(t);
                }
                ts_tree_cursor_delete(&vcur);
                if (vals == NULL) goto done;
                PyObject *joined = PyUnicode_Join(s_comma_space, vals);
                Py_DECREF(vals);
                if (joined == NULL) goto done;
                PyObject *head = PyUnicode_Substring(joined, 0, 500);
                Py_DECREF(joined);
                if (head == NULL) goto done;
                Py_XSETREF(value, head);
            } else if (node_text_is(w, pn, "reg")) {
                PyObject *cl = cells(w, c, addr_cells);
                if (cl == NULL) goto done;
                int all = PyList_GET_SIZE(cl) > 0;
                for (Py_ssize_t j = 0; all && j < PyList_GET_SIZE(cl); j++)
                    if (PyList_GET_ITEM(cl, j) == Py_None) all = 0;
                if (all) {
                    PyObject *r = fold_cells(cl);
                    if (r == NULL) {
                        Py_DECREF(cl);
                        goto done;
                    }
                    Py_XSETREF(reg, r);
                }
                Py_DECREF(cl);
            } else if (node_text_is(w, pn, "#address-cells")) {
                PyObject *cl = cells(w, c, 1);
                if (cl == NULL) goto done;
                if (PyList_GET_SIZE(cl) > 0 && PyLong_Check(PyList_GET_ITEM(cl, 0))) {
                    int overflow;
                    long v = PyLong_AsLongAndOverflow(PyList_GET_ITEM(cl, 0), &overflow);
                    if (!overflow && v >= 1 && v <= 3) child_cells = v;
                }
                Py_DECREF(cl);
            }
        } else if (k == w->k_node) {
            if (depth < MAX_DEPTH && node_symbol(w, c, cur, child_cells, depth + 1) < 0) goto done;
        } else if (k == w->k_unit) {
            PyObject *u = node_str(w, c);
            if (u == NULL) goto done;
            Py_XSETREF(unit, u);
            PyObject *nm = PyUnicode_FromFormat("%U@%U", name, unit);
            if (nm == NULL) goto done;
            Py_SETREF(cur, nm);
        } else if (k == w->k_ref && !has_name) {
            PyObject *r = node_str(w, c);
            if (r == NULL) goto done;
            Py_SETREF(name, r);
            Py_SETREF(cur, Py_NewRef(name));
        } else if (is_cont(w, k)) {
            if (visit(w, c, cur, child_cells, depth + 1) < 0) goto done;
        }
    }
    if (reg == NULL && unit != NULL) { /* _int("0x" + unit.split(",")[0]) */
        Py_ssize_t cut = PyUnicode_FindChar(unit, ',', 0, PyUnicode_GET_LENGTH(unit), 1);
        if (cut == -2) goto done;
        PyObject *first = PyUnicode_Substring(unit, 0, cut < 0 ? PyUnicode_GET_LENGTH(unit) : cut);
        PyObject *hex = first != NULL ? PyUnicode_Concat(s_0x, first) : NULL;
        Py_XDECREF(first);
        if (hex == NULL) goto done;
        PyObject *r = int0(hex);
        Py_DECREF(hex);
        if (r == NULL) goto done;
        if (r == Py_None) Py_DECREF(r);
        else reg = r;
    }
    PyObject *ival = Py_None, *role = Py_None;
    if (reg != NULL) {
        int lt = PyObject_RichCompareBool(reg, two63, Py_LT);
        if (lt < 0) goto done;
        if (lt) {
            ival = reg;
            role = s_register;
        }
    }
    PyObject *l0 = PyLong_FromUnsignedLong(ts_node_start_point(node).row + 1UL);
    PyObject *l1 = PyLong_FromUnsignedLong(ts_node_end_point(node).row + 1UL);
    if (l0 != NULL && l1 != NULL) {
        PyObject *args[12] = {s_node, cur, l0, l1, value ? value : Py_None, parent, Py_None, ival, Py_None, label,
                              Py_None, role};
        sym = PyObject_Vectorcall(w->sym_cls, args, 12, NULL);
    }
    Py_XDECREF(l0);
    Py_XDECREF(l1);
    if (sym == NULL) goto done;
    if (PyList_SetItem(w->syms, idx, sym) < 0) goto done; /* steals sym */
    rc = 0;
done:
    ts_tree_cursor_delete(&tc);
    Py_XDECREF(name);
    Py_XDECREF(cur);
    Py_XDECREF(label);
    Py_XDECREF(value);
    Py_XDECREF(reg);
    Py_XDECREF(unit);
    return rc;
}

/* parsers.code._count_errors: ERROR and MISSING nodes, descending only into subtrees with errors */
static long count_errors(TSNode root) {
    if (!ts_node_has_error(root)) return 0;
    long n = 0;
    Py_ssize_t cap = 64, top = 0;
    TSNode *stack = PyMem_Malloc(sizeof(TSNode) * (size_t)cap);
    if (stack == NULL) return -1;
    stack[top++] = root;
    while (top) {
        TSNode node = stack[--top];
        if (ts_node_is_error(node) || ts_node_is_missing(node)) n++;
        TSTreeCursor cur = ts_tree_cursor_new(node);
        for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok; ok = ts_tree_cursor_goto_next_sibling(&cur)) {
            TSNode c = ts_tree_cursor_current_node(&cur);
            if (!(ts_node_has_error(c) || ts_node_is_missing(c))) continue;
            if (top == cap) {
                cap *= 2;
                TSNode *s = PyMem_Realloc(stack, sizeof(TSNode) * (size_t)cap);
                if (s == NULL) {
                    PyMem_Free(stack);
                    ts_tree_cursor_delete(&cur);
                    return -1;
                }
                stack = s;
            }
            stack[top++] = c;
        }
        ts_tree_cursor_delete(&cur);
    }
    PyMem_Free(stack);
    return n;
}

static int read_u32(PyObject *seq, Py_ssize_t i, uint32_t *out) {
    unsigned long v = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(seq, i));
    if (PyErr_Occurred()) return -1;
    if (v > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "range value out of bounds");
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* devicetree(data, language, ranges, exact, kinds, fields, Symbol) -> (node symbols, parse_errors)
 *   language: the tree_sitter.Language capsule of tree-sitter-devicetree;
 *   ranges: None or a list of (start row, start column, end row, end column, start byte, end byte)
 *           as parsers.code._outside_ranges gives them (None or [] parse the whole text);
 *   kinds: (node, property, unit_address, reference, string_literal, integer_cells,
 *           integer_literal, containers); fields: (name, label) ids. */
static PyObject *py_devicetree(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "devicetree(data, language, ranges, exact, kinds, fields, Symbol)");
        return NULL;
    }
    PyObject *data = args[0], *capsule = args[1], *ranges = args[2], *kinds = args[4], *fields = args[5];
    if (!PyBytes_Check(data) || !PyTuple_Check(kinds) || PyTuple_GET_SIZE(kinds) != 8 || !PyTuple_Check(fields) ||
        PyTuple_GET_SIZE(fields) != 2) {
        PyErr_SetString(PyExc_TypeError, "devicetree: bad argument types");
        return NULL;
    }
    const TSLanguage *lang = PyCapsule_GetPointer(capsule, "tree_sitter.Language");
    if (lang == NULL) return NULL;
    walk_t w;
    memset(&w, 0, sizeof(w));
    w.src = PyBytes_AS_STRING(data);
    w.n = PyBytes_GET_SIZE(data);
    w.exact = PyObject_IsTrue(args[3]);
    w.sym_cls = args[6];
    TSSymbol *ks[7] = {&w.k_node, &w.k_prop, &w.k_unit, &w.k_ref, &w.k_str, &w.k_cells, &w.k_int};
    for (int i = 0; i < 7; i++) {
        long v = PyLong_AsLong(PyTuple_GET_ITEM(kinds, i));
        if (v == -1 && PyErr_Occurred()) return NULL;
        *ks[i] = (TSSymbol)v;
    }
    PyObject *conts = PySequence_Fast(PyTuple_GET_ITEM(kinds, 7), "containers must be iterable");
    if (conts == NULL) return NULL;
    if (PySequence_Fast_GET_SIZE(conts) > MAX_CONTAINERS) {
        Py_DECREF(conts);
        PyErr_SetString(PyExc_ValueError, "too many container kinds");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(conts); i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(conts, i));
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(conts);
            return NULL;
        }
        w.conts[w.nconts++] = (TSSymbol)v;
    }
    Py_DECREF(conts);
    w.f_name = (TSFieldId)PyLong_AsLong(PyTuple_GET_ITEM(fields, 0));
    w.f_label = (TSFieldId)PyLong_AsLong(PyTuple_GET_ITEM(fields, 1));
    if (PyErr_Occurred()) return NULL;

    TSRange *tr = NULL;
    uint32_t ntr = 0;
    if (ranges != Py_None) {
        PyObject *rs = PySequence_Fast(ranges, "ranges must be a list");
        if (rs == NULL) return NULL;
        ntr = (uint32_t)PySequence_Fast_GET_SIZE(rs);
        tr = PyMem_Malloc(sizeof(TSRange) * (ntr ? ntr : 1));
        if (tr == NULL) {
            Py_DECREF(rs);
            return PyErr_NoMemory();
        }
        for (uint32_t i = 0; i < ntr; i++) {
            PyObject *t = PySequence_Fast_GET_ITEM(rs, i);
            if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 6 || read_u32(t, 0, &tr[i].start_point.row) < 0 ||
                read_u32(t, 1, &tr[i].start_point.column) < 0 || read_u32(t, 2, &tr[i].end_point.row) < 0 ||
                read_u32(t, 3, &tr[i].end_point.column) < 0 || read_u32(t, 4, &tr[i].start_byte) < 0 ||
                read_u32(t, 5, &tr[i].end_byte) < 0) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a range is a 6-tuple of ints");
                Py_DECREF(rs);
                PyMem_Free(tr);
                return NULL;
            }
        }
        Py_DECREF(rs);
    }
    /* one parser for the process, as py-tree-sitter's cached Parser: creating one per file costs
     * about as much as parsing a small file (the GIL is held throughout, nothing re-enters) */
    static TSParser *parser = NULL;
    static const TSLanguage *parser_lang = NULL;
    if (parser == NULL && (parser = ts_parser_new()) == NULL) {
        PyMem_Free(tr);
        return PyErr_NoMemory();
    }
    if (parser_lang != lang) {
        if (!ts_parser_set_language(parser, lang)) {
            PyMem_Free(tr);
            PyErr_SetString(PyExc_ValueError, "incompatible tree-sitter language");
            return NULL;
        }
        parser_lang = lang;
    }
    if (!ts_parser_set_included_ranges(parser, tr, ntr)) {
        PyMem_Free(tr);
        PyErr_SetString(PyExc_ValueError, "included ranges must be ordered and not overlap");
        return NULL;
    }
    PyMem_Free(tr);
    TSTree *tree = ts_parser_parse_string_encoding(parser, NULL, w.src, (uint32_t)w.n, TSInputEncodingUTF8);
    ts_parser_set_included_ranges(parser, NULL, 0);
    if (tree == NULL) {
        ts_parser_reset(parser);
        PyErr_SetString(PyExc_RuntimeError, "tree-sitter returned no tree");
        return NULL;
    }
    TSNode root = ts_tree_root_node(tree);
    PyObject *res = NULL;
    long errors = count_errors(root);
    w.syms = PyList_New(0);
    if (errors >= 0 && w.syms != NULL && visit(&w, root, Py_None, 1, 0) == 0)
        res = Py_BuildValue("(Ol)", w.syms, errors);
    else if (errors < 0)
        PyErr_NoMemory();
    Py_XDECREF(w.syms);
    ts_tree_delete(tree);
    return res;
}

static PyMethodDef methods[] = {
    {"devicetree", (PyCFunction)(void (*)(void))py_devicetree, METH_FASTCALL,
     "Parse a device tree and collect its node symbols (see parsers/devicetree.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tswalk", "Device-tree walk in C (see parsers/devicetree.py).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__tswalk(void) {
    PyObject *mod = PyModule_Create(&module);
    if (mod == NULL) return NULL;
    s_node = PyUnicode_InternFromString("node");
    s_register = PyUnicode_InternFromString("register");
    s_0x = PyUnicode_FromString("0x");
    s_comma_space = PyUnicode_FromString(", ");
    two63 = PyLong_FromUnsignedLongLong(1ULL << 63);
    if (s_node == NULL || s_register == NULL || s_0x == NULL || s_comma_space == NULL || two63 == NULL ||
        PyModule_AddIntConstant(mod, "VERSION", TSWALK_VERSION) < 0 ||
        PyModule_AddIntConstant(mod, "LANGUAGE_VERSION", TREE_SITTER_LANGUAGE_VERSION) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
