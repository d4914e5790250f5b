"""Share links: plain links to each network's own share page, so no script of theirs runs on
ours and nothing about a reader reaches them before the reader chooses to share."""

from urllib.parse import quote


def share_links(url: str, headline: str) -> list[tuple[str, str]]:
    """(network, address) pairs sharing the story at the absolute `url` under `headline`;
    the network is the key of its label ("share_" + network in editions.labels)."""
    # Each value percent-encoded whole, once: %20 rather than "+" for a space, since mailto:
    # (RFC 6068) reads "+" as itself, and every network accepts %20.
    u, h = quote(url, safe=""), quote(headline, safe="")
    return [
        ("x", f"https://twitter.com/intent/tweet?text={h}&url={u}"),
        ("facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("telegram", f"https://t.me/share/url?url={u}&text={h}"),
        ("whatsapp", f"https://wa.me/?text={h}%20{u}"),
        ("email", f"mailto:?subject={h}&body={u}"),
    ]
