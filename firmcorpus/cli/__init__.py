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
    "firmcorpus.cli.cmd_build",
    "firmcorpus.cli.cmd_starter",
    "firmcorpus.cli.cmd_catalog",
    "firmcorpus.cli.cmd_datasheet",
    "firmcorpus.cli.cmd_code",
    "firmcorpus.cli.cmd_map",
    "firmcorpus.cli.cmd_dedup",
    "firmcorpus.cli.cmd_classify",
    "firmcorpus.cli.cmd_inspect",
    "firmcorpus.cli.cmd_train",
    "firmcorpus.cli.cmd_eval",
)

for _name in COMMAND_MODULES:
    if importlib.util.find_spec(_name) is not None:
        importlib.import_module(_name).register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
