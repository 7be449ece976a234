/* The preprocessor-directive scan of parsers/code.py, in C.
 *
 * A register header is mostly #define lines, and reading them was the largest cost of
 * parse_code (regex match, comment stripping, literal parsing and naming, ~9 us a line in
 * Python). This module does the same work on ASCII text and returns the same Python objects;
 * parsers/code.py keeps the Python version, uses it for non-ASCII text or when this module is
 * not built, and tests/parsers/test_cscan.py checks both give equal results.
 *
 * Semantics are those of parsers/code.py, rule for rule (the names below are its names):
 *   _BLOCK_COMMENT_RE  multi-line block comments, found left to right without regard to strings;
 *                      a directive line starting inside one is skipped;
 *   _PP_RE             "\n[ \t]*#[ \t]*(define NAME(params)?|include|include_next|import\b) body",
 *                      where body runs to the end of the line, across backslash-newlines and
 *                      block comments;
 *   _clean_value       comments out, continuations joined, stripped, whitespace runs collapsed;
 *   _INT_RE            one integer literal, optionally parenthesised, with a u/l suffix;
 *   _role_for_name     the name-only part (a literal value never has "<<", BIT, _BV or GENMASK).
 * Whitespace is Python's (str.isspace / regex \s): 9-13, 28-32.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define CSCAN_VERSION 2 /* parsers/code.py uses this module only when its _CSCAN_VERSION matches */

static PyObject *tail_role;     /* dict "_Pos" -> "bit", "_BASE" -> "base", ... (code._TAIL_ROLE) */
static PyObject *base_suffixes; /* tuple of str (code._BASE_SUFFIXES) */
static PyObject *reg_words;     /* frozenset of str (code._REG_WORDS) */
static PyObject *s_macro, *s_base, *s_bit, *s_register;

static inline int is_ws(unsigned char c) { return (c >= 9 && c <= 13) || (c >= 28 && c <= 32); }
static inline int is_word(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static inline int is_ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static inline int is_hex(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* first index >= from of the two-character sequence a b, or -1 (str.find) */
static Py_ssize_t find2(const char *s, Py_ssize_t from, Py_ssize_t n, char a, char b) {
    while (from + 1 < n) {
        const char *p = memchr(s + from, a, (size_t)(n - 1 - from));
        if (p == NULL) return -1;
        Py_ssize_t i = p - s;
        if (s[i + 1] == b) return i;
        from = i + 1;
    }
    return -1;
}

static Py_ssize_t count_nl(const char *s, Py_ssize_t from, Py_ssize_t to) {
    Py_ssize_t k = 0;
    while (from < to) {
        const char *p = memchr(s + from, '\n', (size_t)(to - from));
        if (p == NULL) break;
        k++;
        from = (p - s) + 1;
    }
    return k;
}

/* an ASCII str from bytes (the text is ASCII, so this is exact) */
static PyObject *mkstr(const char *p, Py_ssize_t len) {
    PyObject *u = PyUnicode_New(len, 127);
    if (u != NULL && len) memcpy(PyUnicode_1BYTE_DATA(u), p, (size_t)len);
    return u;
}

/* ------------------------------------------------------------------ comment spans */

typedef struct {
    Py_ssize_t *v; /* start, end pairs */
    Py_ssize_t n, cap;
} spans_t;

static int spans_push(spans_t *sp, Py_ssize_t a, Py_ssize_t b) {
    if (sp->n + 2 > sp->cap) {
        Py_ssize_t cap = sp->cap ? sp->cap * 2 : 64;
        Py_ssize_t *v = PyMem_Realloc(sp->v, (size_t)cap * sizeof(Py_ssize_t));
        if (v == NULL) return -1;
        sp->v = v;
        sp->cap = cap;
    }
    sp->v[sp->n++] = a;
    sp->v[sp->n++] = b;
    return 0;
}

/* _BLOCK_COMMENT_RE.finditer(text), keeping the matches that hold a newline */
static int comment_spans(const char *s, Py_ssize_t n, spans_t *sp) {
    Py_ssize_t i = 0;
    for (;;) {
        Py_ssize_t a = find2(s, i, n, '/', '*');
        if (a < 0) return 0;
        Py_ssize_t e = find2(s, a + 2, n, '*', '/');
        if (e < 0) return 0; /* unclosed: no later comment can close either */
        Py_ssize_t b = e + 2;
        if (memchr(s + a, '\n', (size_t)(b - a)) != NULL && spans_push(sp, a, b) < 0) return -1;
        i = b;
    }
}

/* ------------------------------------------------------------------ one directive line */

typedef struct {
    Py_ssize_t name0, name1;     /* define name, or name0 < 0 for an include */
    Py_ssize_t params0, params1; /* "(a, b)" with parentheses, params0 < 0 when absent */
    Py_ssize_t kw0, kw1;         /* include keyword */
    Py_ssize_t body0, body1;     /* body; body1 is the offset just past it (its newline or the end) */
} dmatch;

/* _PP_RE's body: to the end of the line, across backslash-newlines and block comments */
static Py_ssize_t scan_body(const char *s, Py_ssize_t p, Py_ssize_t n) {
    for (;;) {
        while (p < n && s[p] != '\n' && s[p] != '\\' && s[p] != '/') p++;
        if (p >= n || s[p] == '\n') return p;
        if (s[p] == '\\') {
            if (p + 1 < n && s[p + 1] == '\n') p += 2;
            else if (p + 2 < n && s[p + 1] == '\r' && s[p + 2] == '\n') p += 3;
            else p += 1;
            continue;
        }
        if (p + 1 < n && s[p + 1] == '*') {
            Py_ssize_t e = find2(s, p + 2, n, '*', '/');
            if (e >= 0) {
                p = e + 2;
                continue;
            }
        }
        p += 1;
    }
}

static int kw_at(const char *s, Py_ssize_t p, Py_ssize_t n, const char *kw, Py_ssize_t len) {
    return n - p >= len && memcmp(s + p, kw, (size_t)len) == 0 && (p + len >= n || !is_word((unsigned char)s[p + len]));
}

/* _PP_RE at the line starting at ls (the regex's leading "\n" is the one before it) */
static int match_directive(const char *s, Py_ssize_t n, Py_ssize_t ls, dmatch *m) {
    Py_ssize_t p = ls;
    while (p < n && (s[p] == ' ' || s[p] == '\t')) p++;
    if (p >= n || s[p] != '#') return 0;
    p++;
    while (p < n && (s[p] == ' ' || s[p] == '\t')) p++;
    m->params0 = m->params1 = -1;
    if (n - p >= 6 && memcmp(s + p, "define", 6) == 0) {
        Py_ssize_t q = p + 6, w = p + 6;
        while (q < n && (s[q] == ' ' || s[q] == '\t')) q++;
        if (q == w || q >= n || !is_ident_start((unsigned char)s[q])) return 0;
        m->name0 = q;
        while (q < n && is_word((unsigned char)s[q])) q++;
        m->name1 = q;
        if (q < n && s[q] == '(') {
            Py_ssize_t r = q + 1;
            while (r < n && s[r] != ')' && s[r] != '\n') r++;
            if (r < n && s[r] == ')') {
                m->params0 = q;
                m->params1 = r + 1;
                q = r + 1;
            }
        }
        m->kw0 = m->kw1 = -1;
        m->body0 = q;
        m->body1 = scan_body(s, q, n);
        return 1;
    }
    Py_ssize_t len;
    if (kw_at(s, p, n, "include", 7)) len = 7;
    else if (kw_at(s, p, n, "include_next", 12)) len = 12;
    else if (kw_at(s, p, n, "import", 6)) len = 6;
    else return 0;
    m->name0 = m->name1 = -1;
    m->kw0 = p;
    m->kw1 = p + len;
    m->body0 = p + len;
    m->body1 = scan_body(s, p + len, n);
    return 1;
}

/* ------------------------------------------------------------------ _clean_value */

/* _COMMENT_RE.sub(_uncomment, r): strings kept, comments become one space; returns the length */
static Py_ssize_t comment_sub(const char *r, Py_ssize_t n, char *out) {
    Py_ssize_t i = 0, o = 0;
    while (i < n) {
        char c = r[i];
        if (c == '"') {
            Py_ssize_t j = i + 1;
            int closed = 0;
            while (j < n) {
                char d = r[j];
                if (d == '\\') {
                    if (j + 1 < n) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                if (d == '"') {
                    closed = 1;
                    break;
                }
                if (d == '\n') break;
                j++;
            }
            if (closed) {
                memcpy(out + o, r + i, (size_t)(j + 1 - i));
                o += j + 1 - i;
                i = j + 1;
                continue;
            }
        } else if (c == '/' && i + 1 < n) {
            if (r[i + 1] == '*') {
                Py_ssize_t e = find2(r, i + 2, n, '*', '/');
                if (e >= 0) {
                    out[o++] = ' ';
                    i = e + 2;
                    continue;
                }
            } else if (r[i + 1] == '/') {
                Py_ssize_t j = i + 2;
                while (j < n && r[j] != '\n') j++;
                out[o++] = ' ';
                i = j;
                continue;
            }
        }
        out[o++] = c;
        i++;
    }
    return o;
}

/* str.replace(pat, " ") for a pattern of length plen, in place; returns the new length */
static Py_ssize_t replace_space(char *r, Py_ssize_t n, const char *pat, Py_ssize_t plen) {
    Py_ssize_t i = 0, o = 0;
    while (i < n) {
        if (n - i >= plen && memcmp(r + i, pat, (size_t)plen) == 0) {
            r[o++] = ' ';
            i += plen;
        } else {
            r[o++] = r[i++];
        }
    }
    return o;
}

/* _clean_value(body) into out (capacity >= n); tmp is scratch of the same size.
 * Sets *start to the offset in out where the value begins; returns its length. */
static Py_ssize_t clean_value(const char *r, Py_ssize_t n, char *out, Py_ssize_t *start) {
    Py_ssize_t len;
    if (memchr(r, '/', (size_t)n) != NULL) {
        Py_ssize_t i = find2(r, 0, n, '/', '*');
        int fast = 0;
        if (i >= 0 && find2(r, 0, n, '/', '/') < 0) {
            Py_ssize_t end = find2(r, i + 2, n, '*', '/');
            if (end >= 0 && find2(r, end, n, '/', '*') < 0) {
                fast = 1; /* one trailing block comment: everything after it must be whitespace */
                for (Py_ssize_t k = end + 2; k < n; k++)
                    if (!is_ws((unsigned char)r[k])) {
                        fast = 0;
                        break;
                    }
            }
        }
        if (fast) {
            memcpy(out, r, (size_t)i);
            len = i;
        } else {
            len = comment_sub(r, n, out);
        }
    } else {
        memcpy(out, r, (size_t)n);
        len = n;
    }
    if (memchr(out, '\\', (size_t)len) != NULL) {
        len = replace_space(out, len, "\\\r\n", 3);
        len = replace_space(out, len, "\\\n", 2);
    }
    Py_ssize_t a = 0, b = len;
    while (a < b && is_ws((unsigned char)out[a])) a++;
    while (b > a && is_ws((unsigned char)out[b - 1])) b--;
    int collapse = 0;
    for (Py_ssize_t k = a; k < b; k++) {
        char c = out[k];
        if (c == '\t' || c == '\n' || (c == ' ' && k + 1 < b && out[k + 1] == ' ')) {
            collapse = 1;
            break;
        }
    }
    if (collapse) { /* _WS_RE.sub(" ", value): every whitespace run becomes one space */
        Py_ssize_t o = a, k = a;
        while (k < b) {
            if (is_ws((unsigned char)out[k])) {
                while (k < b && is_ws((unsigned char)out[k])) k++;
                out[o++] = ' ';
            } else {
                out[o++] = out[k++];
            }
        }
        b = o;
    }
    *start = a;
    return b - a;
}

/* _INT_RE.fullmatch(v): 1 and *value (*big set above 2**63-1), else 0 */
static int int_literal(const char *v, Py_ssize_t n, long long *value, int *big) {
    Py_ssize_t p = 0;
    uint64_t x = 0;
    int over = 0;
    while (p < n && is_ws((unsigned char)v[p])) p++;
    if (p < n && v[p] == '(') p++;
    while (p < n && is_ws((unsigned char)v[p])) p++;
    if (p + 2 < n && v[p] == '0' && (v[p + 1] == 'x' || v[p + 1] == 'X') && is_hex((unsigned char)v[p + 2])) {
        p += 2;
        while (p < n && is_hex((unsigned char)v[p])) {
            unsigned char c = (unsigned char)v[p++];
            unsigned d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
            if (x > (UINT64_MAX >> 4)) over = 1;
            x = (x << 4) | d;
        }
    } else if (p < n && v[p] >= '1' && v[p] <= '9') {
        while (p < n && v[p] >= '0' && v[p] <= '9') {
            unsigned d = (unsigned)(v[p++] - '0');
            if (x > (UINT64_MAX - d) / 10) over = 1;
            x = x * 10 + d;
        }
    } else if (p < n && v[p] == '0') {
        p++;
    } else {
        return 0;
    }
    if (p < n && (v[p] == 'u' || v[p] == 'U')) p++;
    for (int k = 0; k < 2 && p < n && (v[p] == 'l' || v[p] == 'L'); k++) p++;
    if (p < n && (v[p] == 'u' || v[p] == 'U')) p++;
    while (p < n && is_ws((unsigned char)v[p])) p++;
    if (p < n && v[p] == ')') p++;
    while (p < n && is_ws((unsigned char)v[p])) p++;
    if (p != n) return 0;
    *big = over || x > (uint64_t)INT64_MAX;
    *value = (long long)x;
    return 1;
}

/* _role_for_name(name, value) for a value that is one integer literal; borrowed or NULL */
static PyObject *literal_role(const char *s, Py_ssize_t len) {
    Py_ssize_t cut = -1;
    for (Py_ssize_t k = len - 1; k >= 0; k--)
        if (s[k] == '_') {
            cut = k;
            break;
        }
    if (cut >= 0) {
        PyObject *tail = mkstr(s + cut, len - cut);
        if (tail == NULL) return NULL;
        PyObject *role = PyDict_GetItemWithError(tail_role, tail);
        Py_DECREF(tail);
        if (role != NULL || PyErr_Occurred()) return role;
        Py_ssize_t nsuf = PyTuple_GET_SIZE(base_suffixes);
        for (Py_ssize_t k = 0; k < nsuf; k++) {
            PyObject *suf = PyTuple_GET_ITEM(base_suffixes, k);
            Py_ssize_t sl = PyUnicode_GET_LENGTH(suf);
            if (sl <= len && memcmp(s + len - sl, PyUnicode_1BYTE_DATA(suf), (size_t)sl) == 0) return s_base;
        }
        Py_ssize_t a = 0;
        for (Py_ssize_t k = 0; k <= len; k++) {
            if (k == len || s[k] == '_') {
                if (k > a) {
                    PyObject *part = mkstr(s + a, k - a);
                    if (part == NULL) return NULL;
                    int hit = PySet_Contains(reg_words, part);
                    Py_DECREF(part);
                    if (hit < 0) return NULL;
                    if (hit) return s_register;
                }
                a = k + 1;
            }
        }
    } else if (len > 3 && memcmp(s, "BIT", 3) == 0) {
        Py_ssize_t k = 3;
        while (k < len && s[k] >= '0' && s[k] <= '9') k++;
        if (k == len) return s_bit;
    }
    return NULL;
}

/* ------------------------------------------------------------------ scanners */

typedef struct {
    const char *s;
    Py_ssize_t n;
    spans_t spans;
    Py_ssize_t si, ls, line, last;
} scanner_t;

static int scanner_init(scanner_t *sc, PyObject *text) {
    memset(sc, 0, sizeof(*sc));
    sc->s = (const char *)PyUnicode_1BYTE_DATA(text);
    sc->n = PyUnicode_GET_LENGTH(text);
    sc->line = 1;
    if (find2(sc->s, 0, sc->n, '/', '*') >= 0 && comment_spans(sc->s, sc->n, &sc->spans) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* the next directive outside a multi-line block comment: 1 (with *m, its start line and start
 * offset in sc->line / *start), or 0 at the end */
static int scanner_next(scanner_t *sc, dmatch *m, Py_ssize_t *start) {
    const char *s = sc->s;
    Py_ssize_t n = sc->n;
    while (sc->ls < n) {
        Py_ssize_t ls = sc->ls;
        if (match_directive(s, n, ls, m)) {
            sc->ls = m->body1 + 1; /* the search resumes at the newline that ends the body */
            while (sc->si < sc->spans.n && sc->spans.v[sc->si + 1] <= ls) sc->si += 2;
            if (sc->si < sc->spans.n && sc->spans.v[sc->si] <= ls) continue;
            sc->line += count_nl(s, sc->last, ls);
            sc->last = ls;
            *start = ls;
            return 1;
        }
        const char *nl = memchr(s + ls, '\n', (size_t)(n - ls));
        if (nl == NULL) break;
        sc->ls = (nl - s) + 1;
    }
    return 0;
}

static int text_ok(PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be a str");
        return -1;
    }
    return PyUnicode_IS_ASCII(text) ? 1 : 0;
}

#define APPEND_NEW(list, obj)                               \
    do {                                                    \
        PyObject *o_ = (obj);                               \
        if (o_ == NULL || PyList_Append((list), o_) < 0) { \
            Py_XDECREF(o_);                                 \
            goto fail;                                      \
        }                                                   \
        Py_DECREF(o_);                                      \
    } while (0)

/* directives(text) -> list of (name, params, body, include_kind, start_line, end_line, start, end),
 * as parsers.code._directives; None for non-ASCII text */
static PyObject *py_directives(PyObject *self, PyObject *text) {
    int ok = text_ok(text);
    if (ok <= 0) {
        if (ok < 0) return NULL;
        Py_RETURN_NONE;
    }
    scanner_t sc;
    if (scanner_init(&sc, text) < 0) return NULL;
    PyObject *out = PyList_New(0);
    dmatch m;
    Py_ssize_t start;
    if (out == NULL) goto fail;
    while (scanner_next(&sc, &m, &start)) {
        const char *s = sc.s;
        Py_ssize_t l1 = sc.line + count_nl(s, m.body0, m.body1);
        PyObject *name, *params, *kw;
        if (m.name0 >= 0) {
            name = mkstr(s + m.name0, m.name1 - m.name0);
            params = m.params0 >= 0 ? mkstr(s + m.params0, m.params1 - m.params0) : Py_NewRef(Py_None);
            kw = Py_NewRef(Py_None);
        } else {
            name = Py_NewRef(Py_None);
            params = Py_NewRef(Py_None);
            kw = mkstr(s + m.kw0, m.kw1 - m.kw0);
        }
        PyObject *body = mkstr(s + m.body0, m.body1 - m.body0);
        if (name == NULL || params == NULL || kw == NULL || body == NULL) {
            Py_XDECREF(name);
            Py_XDECREF(params);
            Py_XDECREF(kw);
            Py_XDECREF(body);
            goto fail;
        }
        APPEND_NEW(out, Py_BuildValue("(NNNNnnnn)", name, params, body, kw, sc.line, l1, start, m.body1));
    }
    PyMem_Free(sc.spans.v);
    return out;
fail:
    PyMem_Free(sc.spans.v);
    Py_XDECREF(out);
    return NULL;
}

/* a Symbol with the positional fields (kind, name, start, end, value, parent, signature,
 * int_value, offset, type, size, role); the rest None. Steals nothing. */
static PyObject *make_symbol(PyObject *cls, PyObject *name, Py_ssize_t l0, Py_ssize_t l1, PyObject *value,
                             PyObject *signature, PyObject *int_value, PyObject *role) {
    PyObject *a0 = PyLong_FromSsize_t(l0), *a1 = PyLong_FromSsize_t(l1);
    PyObject *res = NULL;
    if (a0 != NULL && a1 != NULL) {
        PyObject *args[12] = {s_macro, name, a0, a1, value, Py_None, signature ? signature : Py_None,
                              int_value ? int_value : Py_None, Py_None, Py_None, Py_None, role ? role : Py_None};
        res = PyObject_Vectorcall(cls, args, 12, NULL);
    }
    Py_XDECREF(a0);
    Py_XDECREF(a1);
    return res;
}

/* value[:1000] */
static PyObject *head1000(PyObject *value) {
    if (PyUnicode_GET_LENGTH(value) <= 1000) return Py_NewRef(value);
    return PyUnicode_Substring(value, 0, 1000);
}

/* scan(text, macros, Symbol, Macro) -> (symbols, deferred, includes, angle_includes, skips):
 * the directive loop of parsers.code._parse_c (see _c_directives_py there); None for non-ASCII text */
static PyObject *py_scan(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "scan(text, macros, Symbol, Macro)");
        return NULL;
    }
    PyObject *text = args[0], *macros = args[1], *sym_cls = args[2], *macro_cls = args[3];
    int ok = text_ok(text);
    if (ok <= 0) {
        if (ok < 0) return NULL;
        Py_RETURN_NONE;
    }
    if (!PyDict_Check(macros)) {
        PyErr_SetString(PyExc_TypeError, "macros must be a dict");
        return NULL;
    }
    if (tail_role == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "parsers._cscan.configure() was not called");
        return NULL;
    }
    scanner_t sc;
    if (scanner_init(&sc, text) < 0) return NULL;
    const char *s = sc.s;
    char *buf = PyMem_Malloc((size_t)sc.n + 1);
    PyObject *syms = PyList_New(0), *deferred = PyList_New(0), *includes = PyList_New(0), *angle = PyList_New(0),
             *skips = PyList_New(0);
    PyObject *name = NULL, *value = NULL, *head = NULL;
    if (buf == NULL || syms == NULL || deferred == NULL || includes == NULL || angle == NULL || skips == NULL) goto fail;
    dmatch m;
    Py_ssize_t start;
    while (scanner_next(&sc, &m, &start)) {
        Py_ssize_t line = sc.line, l1 = line + count_nl(s, m.body0, m.body1);
        APPEND_NEW(skips, Py_BuildValue("(nnnn)", line, l1, start, m.body1));
        if (m.name0 < 0) { /* _INCLUDE_RE.match(body) */
            Py_ssize_t p = m.body0, e = m.body1;
            while (p < e && is_ws((unsigned char)s[p])) p++;
            if (p < e && (s[p] == '"' || s[p] == '<')) {
                char close = s[p] == '"' ? '"' : '>';
                Py_ssize_t q = p + 1;
                while (q < e && s[q] != close && s[q] != '\n') q++;
                if (q < e && s[q] == close && q > p + 1) {
                    PyObject *inc = mkstr(s + p + 1, q - p - 1);
                    if (inc == NULL || PyList_Append(includes, inc) < 0 ||
                        (close == '>' && PyList_Append(angle, inc) < 0)) {
                        Py_XDECREF(inc);
                        goto fail;
                    }
                    Py_DECREF(inc);
                }
            }
            continue;
        }
        Py_ssize_t v0, vlen = clean_value(s + m.body0, m.body1 - m.body0, buf, &v0);
        name = mkstr(s + m.name0, m.name1 - m.name0);
        value = mkstr(buf + v0, vlen);
        if (name == NULL || value == NULL) goto fail;
        if (m.params0 >= 0) { /* function-like: Macro(value, params) and a signature */
            PyObject *plist = PyList_New(0);
            if (plist == NULL) goto fail;
            Py_ssize_t a = m.params0 + 1, end = m.params1 - 1;
            for (Py_ssize_t k = a; k <= end; k++) {
                if (k == end || s[k] == ',') {
                    Py_ssize_t x = a, y = k;
                    while (x < y && is_ws((unsigned char)s[x])) x++;
                    while (y > x && is_ws((unsigned char)s[y - 1])) y--;
                    if (y > x) {
                        PyObject *p = mkstr(s + x, y - x);
                        if (p == NULL || PyList_Append(plist, p) < 0) {
                            Py_XDECREF(p);
                            Py_DECREF(plist);
                            goto fail;
                        }
                        Py_DECREF(p);
                    }
                    a = k + 1;
                }
            }
            PyObject *ptuple = PyList_AsTuple(plist);
            Py_DECREF(plist);
            if (ptuple == NULL) goto fail;
            int has = PyDict_Contains(macros, name);
            if (has == 0) {
                PyObject *mac = PyObject_CallFunctionObjArgs(macro_cls, value, ptuple, NULL);
                if (mac == NULL || PyDict_SetItem(macros, name, mac) < 0) {
                    Py_XDECREF(mac);
                    Py_DECREF(ptuple);
                    goto fail;
                }
                Py_DECREF(mac);
            }
            PyObject *sep = has >= 0 ? PyUnicode_FromString(", ") : NULL;
            PyObject *joined = sep != NULL ? PyUnicode_Join(sep, ptuple) : NULL;
            Py_XDECREF(sep);
            Py_DECREF(ptuple);
            if (joined == NULL) goto fail;
            PyObject *sig = PyUnicode_FromFormat("%U(%U)", name, joined);
            Py_DECREF(joined);
            if (sig == NULL) goto fail;
            head = head1000(value);
            PyObject *sym = head != NULL ? make_symbol(sym_cls, name, line, l1, head, sig, NULL, NULL) : NULL;
            Py_DECREF(sig);
            APPEND_NEW(syms, sym);
        } else {
            if (PyDict_SetDefault(macros, name, value) == NULL) goto fail; /* object-like: the text itself */
            long long iv;
            int big;
            if (vlen == 0) {
                APPEND_NEW(syms, make_symbol(sym_cls, name, line, l1, value, NULL, NULL, NULL));
            } else if (int_literal(buf + v0, vlen, &iv, &big)) {
                PyObject *ival = big ? Py_NewRef(Py_None) : PyLong_FromLongLong(iv);
                if (ival == NULL) goto fail;
                PyObject *role = literal_role(s + m.name0, m.name1 - m.name0);
                if (role == NULL && PyErr_Occurred()) {
                    Py_DECREF(ival);
                    goto fail;
                }
                head = head1000(value);
                PyObject *sym = head != NULL ? make_symbol(sym_cls, name, line, l1, head, NULL, ival, role) : NULL;
                Py_DECREF(ival);
                APPEND_NEW(syms, sym);
            } else { /* evaluated after the tree walk: (index, name, value, start line, end line) */
                APPEND_NEW(deferred, Py_BuildValue("(nOOnn)", PyList_GET_SIZE(syms), name, value, line, l1));
                if (PyList_Append(syms, Py_None) < 0) goto fail;
            }
        }
        Py_CLEAR(name);
        Py_CLEAR(value);
        Py_CLEAR(head);
    }
    PyMem_Free(buf);
    PyMem_Free(sc.spans.v);
    return Py_BuildValue("(NNNNN)", syms, deferred, includes, angle, skips);
fail:
    PyMem_Free(buf);
    PyMem_Free(sc.spans.v);
    Py_XDECREF(name);
    Py_XDECREF(value);
    Py_XDECREF(head);
    Py_XDECREF(syms);
    Py_XDECREF(deferred);
    Py_XDECREF(includes);
    Py_XDECREF(angle);
    Py_XDECREF(skips);
    return NULL;
}

/* clean_value(body) -> parsers.code._clean_value(body); None for non-ASCII text (for tests) */
static PyObject *py_clean_value(PyObject *self, PyObject *text) {
    int ok = text_ok(text);
    if (ok <= 0) {
        if (ok < 0) return NULL;
        Py_RETURN_NONE;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), v0;
    char *buf = PyMem_Malloc((size_t)n + 1);
    if (buf == NULL) return PyErr_NoMemory();
    Py_ssize_t len = clean_value((const char *)PyUnicode_1BYTE_DATA(text), n, buf, &v0);
    PyObject *res = mkstr(buf + v0, len);
    PyMem_Free(buf);
    return res;
}

/* long_lines(text, length) -> [(start, end)] of the lines with at least length characters
 * (parsers.code_flags._long_lines); None for non-ASCII text */
static PyObject *py_long_lines(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "long_lines(text, length)");
        return NULL;
    }
    int ok = text_ok(args[0]);
    if (ok <= 0) {
        if (ok < 0) return NULL;
        Py_RETURN_NONE;
    }
    Py_ssize_t length = PyLong_AsSsize_t(args[1]);
    if (length == -1 && PyErr_Occurred()) return NULL;
    const char *s = (const char *)PyUnicode_1BYTE_DATA(args[0]);
    Py_ssize_t n = PyUnicode_GET_LENGTH(args[0]), start = 0;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    while (start <= n) {
        const char *nl = memchr(s + start, '\n', (size_t)(n - start));
        Py_ssize_t end = nl != NULL ? nl - s : n;
        if (end - start >= length && length >= 0) {
            PyObject *span = Py_BuildValue("(nn)", start, end);
            if (span == NULL || PyList_Append(out, span) < 0) {
                Py_XDECREF(span);
                Py_DECREF(out);
                return NULL;
            }
            Py_DECREF(span);
        }
        if (nl == NULL) break;
        start = end + 1;
    }
    return out;
}

/* configure(tail_role, base_suffixes, reg_words): the naming tables of parsers.code */
static PyObject *py_configure(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyDict_Check(args[0]) || !PyTuple_Check(args[1]) || !PyAnySet_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "configure(tail_role: dict, base_suffixes: tuple, reg_words: frozenset)");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(args[1]); k++) {
        PyObject *suf = PyTuple_GET_ITEM(args[1], k);
        if (!PyUnicode_Check(suf) || !PyUnicode_IS_ASCII(suf)) {
            PyErr_SetString(PyExc_TypeError, "base_suffixes must be ASCII str");
            return NULL;
        }
    }
    Py_XSETREF(tail_role, Py_NewRef(args[0]));
    Py_XSETREF(base_suffixes, Py_NewRef(args[1]));
    Py_XSETREF(reg_words, Py_NewRef(args[2]));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))py_scan, METH_FASTCALL, "The directive loop of parsers.code._parse_c."},
    {"directives", (PyCFunction)py_directives, METH_O, "parsers.code._directives."},
    {"clean_value", (PyCFunction)py_clean_value, METH_O, "parsers.code._clean_value."},
    {"long_lines", (PyCFunction)(void (*)(void))py_long_lines, METH_FASTCALL, "parsers.code_flags._long_lines."},
    {"configure", (PyCFunction)(void (*)(void))py_configure, METH_FASTCALL, "Set the naming tables."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cscan", "C directive scanner (see parsers/code.py).", -1,
                                    methods};

PyMODINIT_FUNC PyInit__cscan(void) {
    PyObject *mod = PyModule_Create(&module);
    if (mod == NULL) return NULL;
    s_macro = PyUnicode_InternFromString("macro");
    s_base = PyUnicode_InternFromString("base");
    s_bit = PyUnicode_InternFromString("bit");
    s_register = PyUnicode_InternFromString("register");
    if (s_macro == NULL || s_base == NULL || s_bit == NULL || s_register == NULL ||
        PyModule_AddIntConstant(mod, "VERSION", CSCAN_VERSION) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
