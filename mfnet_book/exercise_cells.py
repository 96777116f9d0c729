"""The checked exercises' cells in a notebook (standard library only).

``dev.py`` loads this file by its path (it runs without numpy) to write the
student's notebooks; :mod:`.exercise_insert` and :mod:`.grading` use it too.
"""
from __future__ import annotations

import copy


def exercise_part(cell: dict) -> dict | None:
    """The ``mfnet.exercise`` metadata of a cell ({"id", "part"}), or None."""
    meta = cell.get("metadata", {}).get("mfnet", {})
    found = meta.get("exercise") if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else None



def student(nb: dict) -> dict:
    """The student's notebook: stubs for answers, checks without outputs."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb["cells"]:
        part = exercise_part(cell)
        if part is None:
            cells.append(cell)
        elif part["part"] == "answer":
            cell["source"] = part.get("stub", "...  # your code")
            cell["outputs"], cell["execution_count"] = [], None
            cells.append(cell)
        elif part["part"] in ("solution", "solution-end"):
            continue
        else:
            if cell["cell_type"] == "code" and part["part"] == "check":
                cell["outputs"], cell["execution_count"] = [], None
            cells.append(cell)
    nb["cells"] = cells
    return nb
