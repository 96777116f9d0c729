"""Write the checked exercises into the chapters, and take them out again.

``insert(nb, chapter)`` appends the chapter's checked exercises at the end
of its ``## Exercises`` section (the notebook's last section), after
removing the ones a previous run wrote (cells whose metadata has
``mfnet.exercise``), so running it twice changes nothing. Per exercise:

* ``question``  the ``{exercise}`` directive (Markdown);
* ``solution``  the ``solution-start`` of a dropdown, with the explanation;
* ``answer``    the solution code (metadata ``stub``: the empty answer);
* ``solution-end``;
* ``check``     ``check("5.A", softmax_backward)``.

Before the first exercise of a chapter come an ``intro`` (Markdown) and a
``setup`` code cell (imports). ``student(nb)`` turns a full notebook into
the student's: each answer becomes its stub, outside any solution, and the
check cells lose their stored outputs.
"""
from __future__ import annotations

import copy
import re
import textwrap

from .exercise_catalog import EXERCISES
from .exercise_cells import exercise_part, student  # noqa: F401 (student: API)

INTRO = (
    "### Checked exercises\n\n"
    "In the exercises below you write a function and the book checks it. "
    "Fill in the empty cell (replace `...`), run it, then run the check "
    "cell after it: the check tries your function on test cases and says "
    "whether it is right and, when it is not, what is wrong (a shape, a "
    "factor, a sign, the bias row...), without showing the answer.")

SETUP = ("import numpy as np\n"
         "import mfnet\n"
         "from mfnet_book.exercises import check")


def _meta(ex_id: str, part: str, **extra) -> dict:
    return {"mfnet": {"exercise": {"id": ex_id, "part": part, **extra}}}


def _cell_id(meta: dict) -> str:
    """A stable cell id (nbformat 4.5), so that inserting again is a no-op."""
    ex = meta["mfnet"]["exercise"]
    name = ex["id"] or ex.get("chapter", "")
    return re.sub(r"[^A-Za-z0-9-]", "-", f"mfnet-ex-{name}-{ex['part']}")


def _wrap(text: str) -> str:
    """Prose lines of at most 79 characters, as in the chapters."""
    out = []
    for line in text.split("\n"):
        if len(line) <= 79 or line.startswith(("```", ":")):
            out.append(line)
            continue
        lines = textwrap.wrap(line, 79, break_long_words=False,
                              break_on_hyphens=False)
        # A wrapped line must not start a list, heading or quote.
        for i in range(1, len(lines)):
            while re.match(r"[-*+#>]\s|\d+[.)]\s", lines[i]):
                word, lines[i] = lines[i].split(" ", 1)
                lines[i - 1] += " " + word
        out += lines
    return "\n".join(out)


def _md(text: str, meta: dict) -> dict:
    return {"cell_type": "markdown", "id": _cell_id(meta), "metadata": meta,
            "source": _wrap(text)}


def _code(text: str, meta: dict) -> dict:
    return {"cell_type": "code", "execution_count": None,
            "id": _cell_id(meta), "metadata": meta, "outputs": [],
            "source": text}


def cells_for(chapter: str) -> list[dict]:
    """The cells of a chapter's checked exercises (empty if it has none)."""
    chosen = [ex for ex in EXERCISES if ex.chapter == chapter]
    if not chosen:
        return []
    from .exercise_solutions import SOLUTIONS     # not in the student zip
    cells = [_md(INTRO, _meta("", "intro", chapter=chapter)),
             _code(SETUP, _meta("", "setup", chapter=chapter))]
    for ex in chosen:
        explanation, solution = SOLUTIONS[ex.id]
        cells += [
            # A colon fence: a backtick fence's title cannot hold the
            # backticks of `5.A`.
            _md(f":::{{exercise}} `{ex.id}`, checked: {ex.title}\n"
                f":label: {ex.label}\n:nonumber:\n{ex.question}\n:::",
                _meta(ex.id, "question")),
            _md(f"```{{solution-start}} {ex.label}\n:class: dropdown\n```\n"
                f"{explanation}", _meta(ex.id, "solution")),
            _code(solution, _meta(ex.id, "answer", stub=ex.stub)),
            _md("```{solution-end}\n```", _meta(ex.id, "solution-end")),
            _code(f'check("{ex.id}", {ex.function})', _meta(ex.id, "check")),
        ]
    return cells


def _text(cell: dict) -> str:
    s = cell.get("source", "")
    return s if isinstance(s, str) else "".join(s)


def last_section(nb: dict) -> str | None:
    """The title of the notebook's last ``## `` section."""
    title = None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for match in re.finditer(r"^## +(.+)$", _text(cell), re.M):
                title = match.group(1).strip()
    return title


def insert(nb: dict, chapter: str) -> tuple[dict, int]:
    """(notebook with its checked exercises refreshed, number inserted).

    Raises ValueError when the chapter has checked exercises but its last
    section is not ``## Exercises``.
    """
    nb = copy.deepcopy(nb)
    old = {id(c): exercise_part(c) for c in nb["cells"]}
    kept = [c for c in nb["cells"] if old[id(c)] is None]
    new = cells_for(chapter)
    if new and last_section({"cells": kept}) != "Exercises":
        raise ValueError(
            f"chapter {chapter}: the last section is "
            f"{last_section({'cells': kept})!r}, not 'Exercises'; the checked "
            f"exercises go at the end of the Exercises section")
    # Keep the stored outputs of cells whose source did not change.
    previous = {(p["id"], p["part"]): c for c in nb["cells"]
                if (p := old[id(c)]) is not None}
    for cell in new:
        p = exercise_part(cell)
        before = previous.get((p["id"], p["part"]))
        if (before is not None and cell["cell_type"] == "code"
                and _text(before) == cell["source"]):
            cell["outputs"] = before.get("outputs", [])
            cell["execution_count"] = before.get("execution_count")
    nb["cells"] = kept + new
    return nb, sum(exercise_part(c)["part"] == "question" for c in new)


def main(argv: list[str]) -> int:
    """``python3 dev.py insert-exercises [NOTEBOOK...]`` (default: chapters)."""
    import json
    from pathlib import Path

    import nbformat

    from .truth import BOOK as book     # the chapters
    paths = [Path(a) for a in argv] or sorted(book.glob("[0-9][0-9]_*.ipynb"))
    changed = []
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        new, count = insert(nb, path.name[:2])
        # Compare as nbformat writes it (sources as lists of lines).
        new = json.loads(nbformat.writes(nbformat.from_dict(new)))
        if new != nb:
            nbformat.write(nbformat.from_dict(new), path)
            changed.append(path)
        print(f"{path.name}: {count} checked exercise(s)"
              + (" (changed)" if new != nb else ""))
    chapters = {ex.chapter for ex in EXERCISES}
    missing = sorted(c for c in chapters
                     if not any(p.name.startswith(c) for p in paths))
    if missing and not argv:
        print(f"no notebook for chapter(s) {', '.join(missing)}: "
              f"their exercises were not inserted")
    if changed:
        print("re-execute the changed notebooks: python3 dev.py execute "
              + " ".join(str(p.resolve().relative_to(book.resolve().parent))
                         for p in changed))
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
