"""The `--edition CODE` option of the commands (`import`, `story list`, `comments list`,
`reindex`, `related`)."""

import argparse


def edition_code(text: str) -> str:
    """--edition's CODE as typed. An empty one is refused alike by every command: left to each,
    it meant every edition to some and was "no such edition" to others."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty code names no edition; leave the option out")
    return text
