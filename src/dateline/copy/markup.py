"""Partner HTML and inline XML bodies → plain body blocks.

No markup survives: only the text of block elements (paragraphs, headings, list items, cells)
is kept, and the text of elements that are never prose (scripts, styles, embedded objects) is
dropped whole. The blocks are rendered like any other copy, escaped (dateline.copy.render).
"""

from html.parser import HTMLParser

from dateline.copy.model import Block

# Elements whose text is never the story's: code, styling, embedded documents, NITF's heading
# block (its headline and byline are read from the item's own metadata).
SKIPPED = frozenset(
    ("script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
     "head", "title", "textarea", "select", "body.head")
)  # fmt: skip
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "hl1", "hl2"))
BLOCKS = frozenset(
    ("p", "div", "li", "blockquote", "pre", "td", "th", "dd", "dt", "section", "article",
     "figcaption", "br", "tr", "ul", "ol", "table", "body.content", "block")
) | HEADINGS  # fmt: skip


class BlockCollector:
    """Receives start tags, end tags and text, in document order, and keeps the blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._skipping = 0
        self._heading = 0

    def start(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skipping += 1
        elif tag in BLOCKS and not self._skipping:
            self._close_block()
            self._heading += tag in HEADINGS

    def end(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCKS and not self._skipping:
            self._close_block()
            self._heading = max(0, self._heading - (tag in HEADINGS))

    def text(self, data: str) -> None:
        if not self._skipping:
            self._text.append(data)

    def close(self) -> list[Block]:
        self._close_block()
        return self.blocks

    def _close_block(self) -> None:
        text = " ".join("".join(self._text).split())
        self._text = []
        if text:
            self.blocks.append(Block("h2" if self._heading else "p", text))


class _HtmlReader(HTMLParser):
    def __init__(self, collector: BlockCollector) -> None:
        super().__init__(convert_charrefs=True)
        self.collector = collector

    def handle_starttag(self, tag, attrs):
        self.collector.start(tag)

    def handle_startendtag(self, tag, attrs):
        self.collector.start(tag)
        self.collector.end(tag)

    def handle_endtag(self, tag):
        self.collector.end(tag)

    def handle_data(self, data):
        self.collector.text(data)


def html_blocks(html: str) -> list[Block]:
    """The text blocks of an HTML fragment, in order; tags, comments and scripts dropped."""
    collector = BlockCollector()
    reader = _HtmlReader(collector)
    reader.feed(html)
    reader.close()
    return collector.close()


def text_blocks(text: str) -> list[Block]:
    """Plain text: paragraphs are separated by blank lines."""
    paragraphs = (" ".join(part.split()) for part in text.replace("\r", "").split("\n\n"))
    return [Block("p", paragraph) for paragraph in paragraphs if paragraph]
