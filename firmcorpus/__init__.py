"""firmcorpus: repository–datasheet pairs of embedded systems → a curated continual-pretraining corpus,
then LoRA training and evaluation on it.

One installed package; the user's top-level folders are its subpackages, layered so that each
imports only from the layers below it (``tests/test_layers.py`` checks this):

1. ``firmcorpus.core`` — shared records and I/O: cache paths, atomic writes, the document schema
   and vocabulary, the tokenizer, fetch sources.
2. ``firmcorpus.parsers`` (``parsers/``) — pure parsers: PDF/SVD datasheets, C/C++/asm/devicetree code.
3. ``firmcorpus.mapping`` (``mapping/``) — datasheet-to-code mapping on parser outputs.
4. ``firmcorpus.corpus`` (``corpus/``) — datatrove steps, filters, dedup, classifier, the build's stages.
5. ``firmcorpus.data_catalog`` (``data_catalog/``), ``firmcorpus.train`` (``train/``),
   ``firmcorpus.eval`` (``eval/``) — manifests, catalog and report; training; evaluation.
6. ``firmcorpus.workflows`` and ``firmcorpus.cli`` — whole-job functions and the thin command line.
"""

__version__ = "0.1.0"
