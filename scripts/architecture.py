"""Write the generated part of docs/architecture.md (the package drawing and table) from the
imports of kb/ as they are; tests/test_architecture.py fails when the page is out of date."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.core.fileio import atomic_writer  # noqa: E402
from tests.test_architecture import BEGIN, DOC, END, generated_section  # noqa: E402


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    with atomic_writer(DOC) as out:
        out.write(text[:start] + generated_section() + text[end:])
    print(f"wrote {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
