"""The package's layers, checked on the import graph (``ast``, nothing is imported).

Each layer imports only from the layers below it (docs/layout.md):

    core → parsers → mapping → corpus → data_catalog, train → eval → workflows → cli

and, inside the library (everything but ``cli``):

* no import of the project's own modules inside a function (a module's dependencies are read
  from its top), and third-party imports inside functions only for the heavy optional ones;
* no ``_private`` name imported from another module;
* no import cycle between modules;
* no import of the old top-level names (``import parsers``): there is one package, ``firmcorpus``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import firmcorpus
from firmcorpus.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
LAYER_DIRS = {"corpus": "corpus", "parsers": "parsers", "mapping": "mapping", "train": "train", "eval": "eval",
              "data_catalog": "data_catalog"}
# rank of each layer: an import must go to a layer of a lower rank, or stay inside its own layer
RANK = {"core": 0, "parsers": 1, "mapping": 2, "corpus": 3, "data_catalog": 4, "train": 4, "eval": 5,
        "workflows": 6, "cli": 7, "": 7}
OLD_TOP_LEVEL = set(LAYER_DIRS)
DYNAMIC = {"import_module", "find_spec", "files", "__import__", "resource_filename"}
# third-party modules a library function may import lazily: optional or heavy, and only needed there
LAZY_OK = {"torch", "transformers", "peft", "accelerate", "ray", "fasttext", "spacy", "nltk", "matplotlib",
           "safetensors", "gguf", "datasets", "sacrebleu", "optuna", "hypothesis", "multiprocess", "rich",
           "wandb"}


def module_files() -> dict[str, Path]:
    """``firmcorpus.x.y`` → its file, for the package folder and every layer folder."""
    out: dict[str, Path] = {}
    for sub, folder in [("", "firmcorpus"), *((k, v) for k, v in LAYER_DIRS.items())]:
        base = ROOT / folder
        for f in sorted(base.rglob("*.py")):
            rel = f.relative_to(base).with_suffix("").parts
            if rel[-1] == "__init__":
                rel = rel[:-1]
            name = ".".join(["firmcorpus", *([sub] if sub else []), *rel])
            out[name] = f
    return out


def layer_of(module: str) -> str:
    parts = module.split(".")
    layer = parts[1] if len(parts) > 1 else ""
    return "cli" if layer == "__main__" else layer


def imports_of(name: str, source: str, is_package: bool) -> list[tuple[str, list[str], int, bool]]:
    """(imported module, names, line, at module level) for every import of ``source``."""
    tree = ast.parse(source)
    top = set()
    for node in tree.body:
        if isinstance(node, (ast.If, ast.Try)):  # `if TYPE_CHECKING:` / `try: import x` at module level
            top.update(id(n) for n in ast.walk(node))
        top.add(id(node))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, [a.name for a in node.names], node.lineno, id(node) in top))
        elif isinstance(node, ast.Import):
            for a in node.names:
                out.append((a.name, [], node.lineno, id(node) in top))
    return out


def violations(name: str, source: str, is_package: bool, known: set[str]) -> list[str]:
    """What is wrong with the imports of one module (``known``: every module of the package)."""
    bad = []
    src_layer = layer_of(name)
    library = src_layer != "cli" and name != "firmcorpus.__main__"
    for mod, names, line, at_top in imports_of(name, source, is_package):
        where = f"{name}:{line}"
        root = mod.split(".")[0]
        if root in OLD_TOP_LEVEL:
            bad.append(f"{where}: imports the old top-level name {mod!r}; use firmcorpus.{mod}")
            continue
        if root != "firmcorpus":
            if library and not at_top and root not in LAZY_OK:
                bad.append(f"{where}: imports {mod!r} inside a function (only heavy optional modules may)")
            continue
        # `from firmcorpus import workflows` imports the module firmcorpus.workflows
        targets = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in known] or [mod]
        for target in targets:
            dst_layer = layer_of(target)
            if src_layer != dst_layer and RANK[dst_layer] >= RANK[src_layer]:
                bad.append(f"{where}: {src_layer or 'firmcorpus'} imports {target} ({dst_layer}), which is not below it")
        if library and not at_top:
            bad.append(f"{where}: imports {mod} inside a function; import it at the top")
        for n in names:
            private_name = n.startswith("_") and not n.startswith("__")
            if private_name and f"{mod}.{n}" not in known and mod != name:
                bad.append(f"{where}: imports the private name {n} from {mod}")
        for target in targets:
            if any(part.startswith("_") and not part.startswith("__") for part in target.split(".")):
                # a private module (parsers._native) is for its own package only
                owner = target.rsplit(".", 1)[0]
                if not name.startswith(owner + "."):
                    bad.append(f"{where}: imports the private module {target} from outside {owner}")
    # modules named by string (importlib, importlib.resources): the old top-level names only resolve
    # from a checkout's root, never in an installed environment
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in DYNAMIC:
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and \
                        arg.value.split(".")[0] in OLD_TOP_LEVEL:
                    bad.append(f"{name}:{node.lineno}: names the module {arg.value!r} by string; "
                               f"use firmcorpus.{arg.value} or __package__")
    return bad


def module_graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """Module-level imports between the package's modules (`from pkg import mod` counts as mod)."""
    graph: dict[str, set[str]] = {}
    for name, f in files.items():
        deps = set()
        for mod, names, _, at_top in imports_of(name, f.read_text(), f.name == "__init__.py"):
            if not at_top or not mod.startswith("firmcorpus"):
                continue
            subs = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in files]
            deps.update(subs or ([mod] if mod in files else []))
        graph[name] = deps - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


FILES = module_files()


def test_every_layer_folder_is_a_subpackage_of_firmcorpus():
    assert Path(firmcorpus.__file__).parent == ROOT / "firmcorpus"
    for layer, folder in LAYER_DIRS.items():
        mod = __import__(f"firmcorpus.{layer}", fromlist=["_"])
        assert Path(mod.__file__).parent == ROOT / folder, layer


@pytest.mark.parametrize("name", sorted(FILES))
def test_imports_flow_down(name):
    f = FILES[name]
    assert violations(name, f.read_text(), f.name == "__init__.py", set(FILES)) == []


def test_no_module_cycles():
    assert cycles(module_graph(FILES)) == []


def test_the_checker_catches_what_it_forbids():
    """The checks above can fail: each forbidden shape, in a made-up module, is reported."""
    known = set(FILES)
    upward = "from firmcorpus.corpus.build import run_stages\n"
    assert violations("firmcorpus.parsers.x", upward, False, known)
    sideways = "from firmcorpus.train.model import load_causal_lm\n"
    assert violations("firmcorpus.data_catalog.x", sideways, False, known)
    assert not violations("firmcorpus.eval.x", sideways, False, known)  # eval is above train
    lazy = "def f():\n    from firmcorpus.parsers.code import parse_code\n"
    assert violations("firmcorpus.corpus.x", lazy, False, known)
    assert not violations("firmcorpus.cli.cmd_x", lazy, False, known)  # the CLI stays lazy for --help
    assert violations("firmcorpus.corpus.x", "def f():\n    import polars\n", False, known)
    assert not violations("firmcorpus.corpus.x", "def f():\n    import torch\n", False, known)
    private = "from firmcorpus.parsers.code import _c_directives\n"
    assert violations("firmcorpus.mapping.x", private, False, known)
    assert violations("firmcorpus.corpus.x", "import parsers.code\n", False, known)
    assert violations("firmcorpus.mapping.x", "from firmcorpus.parsers import _native\n", False, known)
    assert violations("firmcorpus.data_catalog.x", 'resources.files("data_catalog")\n', False, known)
    assert not violations("firmcorpus.data_catalog.x", "resources.files(__package__)\n", False, known)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_every_command_names_a_library_function_that_exists():
    import importlib

    for command, (module, target) in COMMANDS.items():
        assert (ROOT / "firmcorpus" / "cli" / f"{module}.py").is_file(), command
        mod_name, func = target.split(":")
        assert layer_of(mod_name) != "cli", f"{command}: its library function lives in the CLI"
        assert callable(getattr(importlib.import_module(mod_name), func)), target
