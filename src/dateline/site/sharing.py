"""Share links: plain links to each network's own share page, so no script of theirs runs on
ours and nothing about a reader reaches them before the reader chooses to share."""

from urllib.parse import quote, urlencode


def _query(**values: str) -> str:
    # %20 rather than "+": mailto: (RFC 6068) reads "+" as itself, and every network accepts %20.
    return urlencode(values, quote_via=quote)


def share_links(url: str, headline: str) -> list[tuple[str, str]]:
    """(network, address) pairs sharing the story at the absolute `url` under `headline`;
    the network is the key of its label ("share_" + network in editions.labels)."""
    return [
        ("x", "https://twitter.com/intent/tweet?" + _query(text=headline, url=url)),
        ("facebook", "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)),
        ("telegram", "https://t.me/share/url?" + _query(url=url, text=headline)),
        ("whatsapp", "https://wa.me/?" + _query(text=f"{headline} {url}")),
        ("email", "mailto:?" + _query(subject=headline, body=url)),
    ]
