"""List the functions of the apps longer than a limit (default 60 lines), longest first.

Usage: .venv/bin/python scripts/long_functions.py [LIMIT]
Migrations, tests, bench and scripts are left out (issue 18: break up the long ones where a
name would explain a step)."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"migrations", "tests", "bench", "scripts", ".venv", "node_modules", "var"}


def long_functions(limit: int) -> list[tuple[int, str, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIP & set(relative.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append((length, f"{relative}:{node.lineno}", node.name))
    return sorted(found, reverse=True)


if __name__ == "__main__":
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rows = long_functions(limit)
    for length, where, name in rows:
        print(f"{length:4d}  {where}  {name}")
    print(f"{len(rows)} functions over {limit} lines")
