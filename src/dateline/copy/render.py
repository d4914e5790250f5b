"""Render parsed body text as HTML or Markdown with all wire text kept literal."""

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateline.copy.model import Block

# Characters that can start inline Markdown/HTML constructs anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~#])")
# Constructs that only matter at the start of a line: list markers, block
# quotes (already escaped as ">"), setext underlines and ordered-list numbers.
_MD_LINE_START = re.compile(r"^([+\-=])|^(\d+)([.)])")


def body_html(lead: str, dateline_raw: str | None, blocks: Iterable["Block"]) -> str:
    """HTML for a story body.

    The lead is the first ``<p>``, led by ``<span class="dateline">`` holding the
    dateline text when there is one; then one ``<p>`` or ``<h2>`` per block. All
    text is HTML-escaped, so no markup from the copy survives.
    """
    parts = []
    if lead or dateline_raw:
        prefix = (
            f'<span class="dateline">{html.escape(dateline_raw)}</span> ' if dateline_raw else ""
        )
        parts.append(f"<p>{prefix}{html.escape(lead)}</p>")
    parts.extend(f"<{b.kind}>{html.escape(b.text)}</{b.kind}>" for b in blocks)
    return "\n".join(parts)


def escape_markdown(text: str) -> str:
    """Escape text so a CommonMark renderer shows it literally, as one line.

    Runs of whitespace (including newlines) become one space: a Markdown
    paragraph would fold them anyway, and no line may start with an indent.
    """
    escaped = _MD_INLINE.sub(r"\\\1", " ".join(text.split()))
    return _MD_LINE_START.sub(
        lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped, count=1
    )


def body_markdown(blocks: Iterable["Block"]) -> str:
    """Markdown for the blocks (not the lead).

    Paragraphs are separated by blank lines and sub-headings become ``## text``.
    Block text is escaped with :func:`escape_markdown`.
    """
    parts = [
        f"## {escape_markdown(b.text)}" if b.kind == "h2" else escape_markdown(b.text)
        for b in blocks
    ]
    return "\n\n".join(parts)
