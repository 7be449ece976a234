"""Build script: the package layout and the two C extensions; everything else is in ``pyproject.toml``.

* ``firmcorpus.parsers._cscan`` — the preprocessor-directive scan of ``parsers/code.py``;
* ``firmcorpus.parsers._tswalk`` — device-tree parse and walk of ``parsers/devicetree.py``, linked with the
  tree-sitter runtime in ``third_party/tree-sitter`` (the sources py-tree-sitter 0.25.2 is built
  from, so its trees are the same).

Both are optional: where one cannot be compiled the install goes on and parsing uses the Python
version of that step (same output, slower); ``tests/parsers/test_cscan.py`` and
``test_tswalk.py`` fail when an extension is missing, so a broken build does not go unnoticed.
"""

from setuptools import Extension, find_namespace_packages, setup

# The user's top-level folders, each installed as a subpackage of the one package ``firmcorpus``.
LAYERS = ("corpus", "parsers", "mapping", "train", "eval", "data_catalog")
PACKAGE_DIR = {"firmcorpus": "firmcorpus", **{f"firmcorpus.{layer}": layer for layer in LAYERS}}
PACKAGES = [f"firmcorpus.{p}" if p else "firmcorpus"
            for p in ["", *find_namespace_packages("firmcorpus", exclude=["*__pycache__*"])]]
for _layer in LAYERS:
    PACKAGES += [f"firmcorpus.{_layer}", *(f"firmcorpus.{_layer}.{p}" for p in
                                          find_namespace_packages(_layer, exclude=["*__pycache__*"]))]

TS = "third_party/tree-sitter/lib"

setup(packages=PACKAGES, package_dir=PACKAGE_DIR, ext_modules=[
    Extension("firmcorpus.parsers._cscan", ["parsers/_cscan.c"], optional=True),
    Extension("firmcorpus.parsers._tswalk", ["parsers/_tswalk.c", f"{TS}/src/lib.c"], optional=True,
              include_dirs=[f"{TS}/include", f"{TS}/src"],
              define_macros=[("_DEFAULT_SOURCE", None),
                             ("TREE_SITTER_HIDE_SYMBOLS", None)],
              extra_compile_args=["-std=c11", "-fvisibility=hidden", "-Wno-cast-function-type"]),
])
