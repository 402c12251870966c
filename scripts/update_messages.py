"""Add the msg() templates of kwapp to the Qt catalogue's "Messages" context, and list what needs translating.

pyside6-lupdate does not see msg() calls, so this script finds them with the ast module:
    python3 scripts/update_messages.py            # edit kwapp/ui/translations/kwapp_ja.ts
    python3 scripts/update_messages.py --check    # change nothing; exit 1 when the catalogue is behind

It inserts each missing template as an unfinished entry and revives the entries that pyside6-lupdate
marked vanished although the code still uses them. It edits the file as text, so the rest of the
catalogue keeps its layout, and only lists entries whose template the code no longer uses.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kwapp"
CATALOGUE = PACKAGE / "ui" / "translations" / "kwapp_ja.ts"
CONTEXT = "Messages"  # kwapp.messages.CONTEXT; this script does not import kwapp
XML_ENTITIES = {'"': "&quot;", "'": "&apos;"}  # besides & < >, as pyside6-lupdate writes them
INDENT = "    "


def find_templates(package: Path = PACKAGE) -> tuple[dict[str, str], list[str]]:
    """Return {template: "file:line" of its first use} and the msg() calls without a literal template."""
    templates: dict[str, str] = {}
    problems = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "msg"]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            where = f"{path.relative_to(package.parent)}:{node.lineno}"
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                templates.setdefault(first.value, where)
            else:
                problems.append(f"{where}: msg() needs a string literal as its template")
    return templates, problems


def catalogue_entries(catalogue: Path) -> dict[str, str | None]:
    """Return {source: translation type} of the Messages context (type None for a finished entry)."""
    for context in ET.parse(catalogue).getroot().iter("context"):
        if context.findtext("name") == CONTEXT:
            return {m.findtext("source"): m.find("translation").get("type") for m in context.iter("message")}
    return {}


def entry_xml(template: str) -> str:
    return (f"{INDENT}<message>\n{INDENT * 2}<source>{escape(template, XML_ENTITIES)}</source>\n"
            f'{INDENT * 2}<translation type="unfinished"></translation>\n{INDENT}</message>\n')


def context_span(text: str) -> tuple[int, int] | None:
    """Start and end offsets of the Messages <context> element in the catalogue text."""
    match = re.search(rf"<context>\s*<name>{CONTEXT}</name>.*?</context>\n?", text, re.DOTALL)
    return match.span() if match else None


def insert_entries(text: str, templates: list[str]) -> str:
    entries = "".join(entry_xml(t) for t in templates)
    span = context_span(text)
    if span is not None:
        end = text.rindex("</context>", span[0], span[1])
        return text[:end] + entries + text[end:]
    block = f"<context>\n{INDENT}<name>{CONTEXT}</name>\n{entries}</context>\n"
    # pyside6-lupdate sorts contexts by name; put the new one where it would.
    for match in re.finditer(r"<context>\s*<name>([^<]*)</name>", text):
        if match.group(1) > CONTEXT:
            return text[:match.start()] + block + text[match.start():]
    end = text.rindex("</TS>")
    return text[:end] + block + text[end:]


def revive_entries(text: str, templates: set[str]) -> str:
    """Drop type="vanished"/"obsolete" from Messages entries whose template the code still uses."""
    span = context_span(text)
    if span is None:
        return text

    def revive(match: re.Match) -> str:
        block = match.group(0)
        source = ET.fromstring(block).findtext("source")
        if source not in templates:
            return block
        return re.sub(r'<translation type="(vanished|obsolete)">', "<translation>", block)

    inside = re.sub(r"<message>.*?</message>", revive, text[span[0]:span[1]], flags=re.DOTALL)
    return text[:span[0]] + inside + text[span[1]:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when the catalogue is behind")
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE, help="the .ts file (default: %(default)s)")
    args = parser.parse_args(argv)

    templates, problems = find_templates()
    entries = catalogue_entries(args.catalogue)
    missing = [t for t in templates if t not in entries]
    vanished = [t for t, kind in entries.items() if t in templates and kind in ("vanished", "obsolete")]
    unfinished = [t for t, kind in entries.items() if t in templates and kind == "unfinished"]
    for problem in problems:
        print(problem)
    for template in missing:
        print(f"new: {templates[template]}: {template}")
    for template in vanished:
        print(f"revived: {template}")
    for template in unfinished:
        print(f"still to translate: {template}")
    for template in (t for t in entries if t not in templates):
        print(f"no longer used (delete it by hand): {template}")
    if args.check:
        return 1 if problems or missing or vanished else 0
    if missing or vanished:
        text = args.catalogue.read_text(encoding="utf-8")
        text = insert_entries(revive_entries(text, set(templates)), missing)
        args.catalogue.write_text(text, encoding="utf-8")
        print(f"updated {args.catalogue}: {len(missing)} new, {len(vanished)} revived")
    if missing or unfinished:
        print("translate the new and unfinished entries there; tests/test_messages.py fails until they are done")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
