"""The bottom layer every other layer may import: cache paths, atomic writes, the document schema
and vocabulary, the tokenizer, fetch sources. It imports nothing of the project."""
