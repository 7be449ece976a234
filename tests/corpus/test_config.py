"""The build config: defaults, YAML file, --set overrides, and clear errors for unknown knobs."""

import pytest
from pydantic import ValidationError

from corpus.config import BuildConfig


def test_defaults_file_and_overrides(tmp_path):
    f = tmp_path / "build.yaml"
    f.write_text("tasks: 8\nsplit:\n  heldout_share: 0.5\nmixture:\n  domain_weights: {crypto: 2.0}\n")
    cfg = BuildConfig.load(str(f), ["split.heldout_repos=[deb:avr-libc]", "decontam.action=flag", "tasks=16"])
    assert cfg.tasks == 16 and cfg.split.heldout_share == 0.5 and cfg.split.heldout_repos == ["deb:avr-libc"]
    assert cfg.decontam.action == "flag" and cfg.mixture.domain_weights == {"crypto": 2.0}
    assert BuildConfig().decontam.ngram == 13 and BuildConfig().split.heldout_share == 0.2
    keys = {k for k, _, _ in cfg.documented()}
    assert {"tasks", "split.heldout_share", "slurm.partition", "repo_text.fim_rate"} <= keys
    assert all(desc for _, _, desc in BuildConfig().documented())  # every knob says what it does


def test_unknown_or_malformed_knobs_are_refused():
    with pytest.raises(ValidationError):
        BuildConfig.load(None, ["split.heldout_shar=0.3"])
    with pytest.raises(ValidationError):
        BuildConfig.load(None, ["decontam.action=delete"])
    with pytest.raises(ValueError, match="key=value"):
        BuildConfig.load(None, ["tasks"])
