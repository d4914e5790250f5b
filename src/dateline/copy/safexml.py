"""Parse untrusted XML with the standard library, refusing every DTD.

A document type declaration is where entity bombs ("billion laughs") and external entities
live; NewsML-G2 needs none, so any DOCTYPE or entity declaration is refused before expat
expands anything, and an undefined entity reference is a well-formedness error.
"""

import xml.etree.ElementTree as ET
from xml.parsers import expat

from dateline.copy.errors import CopyError


def parse_xml(data: bytes, *, name: str) -> ET.Element:
    """The root element of the XML in ``data``; CopyError naming ``name`` if it is not
    well-formed or declares a DTD or entities."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse_dtd(*_args):
        raise CopyError(
            f"{name}: refused: the XML declares a DTD (DOCTYPE), which could hold an entity bomb"
        )

    # Entities can be declared only inside a DOCTYPE, so refusing it refuses them all.
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        _qualified(tag), {_qualified(key): value for key, value in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(_qualified(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        problem = expat.errors.messages[error.code]
        raise CopyError(
            f"{name}: not well-formed XML ({problem}, line {error.lineno}, "
            f"column {error.offset + 1})"
        ) from None
    return builder.close()


def _qualified(expat_name: str) -> str:
    """expat's ``uri}local`` as ElementTree's ``{uri}local``."""
    return "{" + expat_name if "}" in expat_name else expat_name


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
