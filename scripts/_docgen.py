"""What the page generators (``gen_cli_docs.py``, ``gen_criteria_docs.py``) share: their command line.

python scripts/gen_X.py            # print the page
python scripts/gen_X.py -o FILE    # write it
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def print_or_write(render: Callable[[], str], argv: list[str]) -> int:
    """Print the page ``render`` returns, or write it to the file after ``-o``/``--output``; the exit code."""
    page = render()
    if len(argv) == 2 and argv[0] in ("-o", "--output"):
        Path(argv[1]).write_text(page, encoding="utf-8")
        return 0
    sys.stdout.write(page)
    return 0
