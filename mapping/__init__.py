"""Hierarchical datasheet-to-code mapping (repository → folders → files → symbols → section status).

Works on parser outputs only (``parsers.models.Datasheet`` and ``CodeFile``); no LLM is needed
(``rerank`` holds an optional, off-by-default hook). Entry point: ``map_pair``.
"""

from .core import map_pair
from .models import FieldLink, FileScore, Link, MappingResult, SectionStatus, SymbolRef

__all__ = ["map_pair", "MappingResult", "Link", "FieldLink", "SectionStatus", "FileScore", "SymbolRef"]
