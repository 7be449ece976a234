"""The ``firmcorpus`` command line: a thin layer over the library.

``COMMANDS`` is the whole map: each command, the module that parses its arguments, and the library
function it calls (``tests/test_layers.py`` checks that every entry resolves). Command modules
parse arguments, call that function and render its result; nothing else. Their imports of the
library stay inside the command functions so ``firmcorpus --help`` is instant.

A ``UserError`` raised by the library (a missing file, a refused rerun, a bad config) ends the
command with ``error: <message>`` on one line of stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import importlib

import click
import typer
from typer.core import TyperGroup

from firmcorpus.core.errors import UserError

# command → (module under firmcorpus.cli, the library function behind it). Order = `firmcorpus --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("cmd_build", "firmcorpus.workflows:build_corpus"),
    "starter": ("cmd_starter", "firmcorpus.corpus.starter:fetch_profile"),
    "catalog": ("cmd_catalog", "firmcorpus.data_catalog.manifest:load_manifest"),
    "datasheet": ("cmd_datasheet", "firmcorpus.parsers.datasheet:inspect_datasheet"),
    "code": ("cmd_code", "firmcorpus.parsers.tree:inspect_code"),
    "map": ("cmd_map", "firmcorpus.mapping.repo_map:map_folder"),
    "map-eval": ("cmd_map", "firmcorpus.mapping.repo_map:evaluate_truths"),
    "dedup": ("cmd_dedup", "firmcorpus.corpus.dedup:dedup_folder"),
    "classify": ("cmd_classify", "firmcorpus.corpus.domains.jobs:classify_paths"),
    "inspect": ("cmd_inspect", "firmcorpus.data_catalog.inspect:inspect_build"),
    "train": ("cmd_train", "firmcorpus.train.loop:train"),
    "eval": ("cmd_eval", "firmcorpus.eval.run:run_eval"),
    "sweep": ("cmd_sweep", "firmcorpus.train.sweep:run_sweep"),
}


class _Group(TyperGroup):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as e:
            # one plain line (no panel: a boxed message wraps and breaks words and paths apart)
            click.echo(f"error: {e}", err=True)
            raise click.exceptions.Exit(2) from e


app = typer.Typer(
    name="firmcorpus",
    cls=_Group,
    help="Build embedded-systems pretraining corpora from repository–datasheet pairs; train and evaluate on them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

for _module in dict.fromkeys(module for module, _ in COMMANDS.values()):
    importlib.import_module(f"{__name__}.{_module}").register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
