"""The ``firmcorpus`` command line: one typer app, sub-commands registered by small modules.

Each ``corpus/cmd_*.py`` module defines ``register(app)``; a module that does not exist yet
adds no command, so there are never placeholder commands. Heavy imports stay inside the
command functions so ``firmcorpus --help`` is instant.
"""

from __future__ import annotations

import importlib
import importlib.util

import typer

app = typer.Typer(
    name="firmcorpus",
    help="Build embedded-systems pretraining corpora from repository–datasheet pairs; train and evaluate on them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# Order here is the order of `firmcorpus --help`.
COMMAND_MODULES = (
    "corpus.cmd_build",
    "corpus.cmd_starter",
    "corpus.cmd_catalog",
    "corpus.cmd_datasheet",
    "corpus.cmd_code",
    "corpus.cmd_map",
    "corpus.cmd_dedup",
    "corpus.cmd_classify",
    "corpus.cmd_inspect",
    "corpus.cmd_train",
    "corpus.cmd_eval",
)

for _name in COMMAND_MODULES:
    if importlib.util.find_spec(_name) is not None:
        importlib.import_module(_name).register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
