"""Build script for the two C extensions; everything else is in ``pyproject.toml``.

* ``parsers._cscan`` — the preprocessor-directive scan of ``parsers/code.py``;
* ``parsers._tswalk`` — device-tree parse and walk of ``parsers/devicetree.py``, linked with the
  tree-sitter runtime in ``third_party/tree-sitter`` (the sources py-tree-sitter 0.25.2 is built
  from, so its trees are the same).

Both are optional: where one cannot be compiled the install goes on and parsing uses the Python
version of that step (same output, slower); ``tests/parsers/test_cscan.py`` and
``test_tswalk.py`` fail when an extension is missing, so a broken build does not go unnoticed.
"""

from setuptools import Extension, setup

TS = "third_party/tree-sitter/lib"

setup(ext_modules=[
    Extension("parsers._cscan", ["parsers/_cscan.c"], optional=True),
    Extension("parsers._tswalk", ["parsers/_tswalk.c", f"{TS}/src/lib.c"], optional=True,
              include_dirs=[f"{TS}/include", f"{TS}/src"],
              define_macros=[("_DEFAULT_SOURCE", None),
                             ("TREE_SITTER_HIDE_SYMBOLS", None)],
              extra_compile_args=["-std=c11", "-fvisibility=hidden", "-Wno-cast-function-type"]),
])
