"""Where the shared corpora live: `../shared` beside the repository, as CI lays it out, or
wherever DATELINE_SHARED_DIR points."""

import os
from pathlib import Path

SHARED = Path(
    os.environ.get("DATELINE_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared"
)
SEED = SHARED / "seed" / "irna-en-84299330.txt"
REUTERS = SHARED / "data" / "reuters21578"
IPTC_EXAMPLES = SHARED / "data" / "iptc" / "newsml-g2" / "examples"
