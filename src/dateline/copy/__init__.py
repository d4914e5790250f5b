"""Wire-copy parser: plain-text agency stories and Reuters-21578 SGML.

Pure standard-library Python; nothing here may import Django.
"""

from dateline.copy.dateline import format_dateline
from dateline.copy.errors import CopyError, NotWireCopy, Withdrawn
from dateline.copy.files import parse_file
from dateline.copy.language import detect_language, direction_for
from dateline.copy.model import Block, Dateline, ParsedStory, ParseResult
from dateline.copy.reuters import parse_reuters_sgml
from dateline.copy.text import MAX_TEXT_BYTES, parse_text

__all__ = [
    "MAX_TEXT_BYTES",
    "Block",
    "CopyError",
    "Dateline",
    "NotWireCopy",
    "ParseResult",
    "ParsedStory",
    "Withdrawn",
    "detect_language",
    "direction_for",
    "format_dateline",
    "parse_file",
    "parse_reuters_sgml",
    "parse_text",
]
