"""Domain classification into the 13 embedded domains of docs/contracts.md.

``rules`` gives high-precision weak labels from what each domain *is* (its APIs, includes and
file shapes); ``features`` turns code into fastText tokens; ``model`` trains, saves, loads and
runs the small fastText model that labels what the rules abstain on; ``evalset`` builds the
labelled training and held-out evaluation sets from registry sources. The pipeline step is
``corpus.steps.classify.DomainClassifier``.
"""

from firmcorpus.core.documents import DOMAINS

__all__ = ["DOMAINS"]
