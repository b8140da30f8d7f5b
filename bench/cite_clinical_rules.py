"""Rewrites citations of the old, out-of-repository domain reference ("domain-reference §4")
in the code's comments and docstrings into anchors of docs/clinical-rules.md.

    .venv/bin/python bench/cite_clinical_rules.py [--dry-run] [paths...]   (default: medhome)

Mechanical and safe: only comments and docstrings of .py files (found with tokenize and ast) and
Markdown files are touched; string literals a user may read (measure definitions, translations)
are left alone and listed, since changing them changes the translation catalogue's msgids. The
anchor is the section's default, or a narrower one when a keyword on the same line names it.
Review the diff afterwards; tests/test_project_docs.py checks every cited anchor exists.
"""

import argparse
import ast
import io
import re
import sys
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = "docs/clinical-rules.md"
SECTION = {
    2: "periodicity",
    3: "corrected-age",
    4: "screening-instruments",
    5: "codes",
    6: "measures",
    7: "referral-states",
    9: "hospital-events",
    10: "people-and-demographics",
    11: "adolescent-confidentiality",
    13: "synthetic-population",
}
# (keyword on the line, lower case) → a narrower anchor, first match wins.
KEYWORDS: dict[int, list[tuple[str, str]]] = {
    2: [
        ("next step pending", "screening-row-done"),
        ("counts only for the visit", "screening-row-done"),
        ("the visit the result counts for", "screening-row-done"),
        ("one encounter", "visit-windows"),
        ("window", "visit-windows"),
        ("28/29 feb", "visit-windows"),
        ("grace", "due-and-overdue"),
        ("overdue", "due-and-overdue"),
        ("never waived", "not-applicable"),
        ("not-applicable", "not-applicable"),
        ("not applicable", "not-applicable"),
        ("fluoride", "recurring-rows"),
        ("every_months", "recurring-rows"),
        ("versioned", "periodicity-schedule"),
        ("new version", "periodicity-schedule"),
        ("rows an instrument", "periodicity-rows"),
        ("6-month visits", "periodicity-rows"),
        ("tobacco", "periodicity-rows"),
        ("bmi", "periodicity-rows"),
    ],
    4: [
        ("suicide risk needs", "suicide-risk-question"),
        ("phq-2 gate", "suicide-risk-question"),
        ("full phq-9", "suicide-risk-question"),
        ("self-harm item", "suicide-risk-question"),
        ("critical", "critical-answers"),
        ("acknowledge", "critical-answers"),
        ("business hours", "critical-answers"),
        ("never sees a score", "critical-answers"),
        ("waits for a clinician", "critical-answers"),
        ("licen", "instrument-licenses"),
        ("wording", "instrument-licenses"),
        ("text", "instrument-licenses"),
        ("who sees", "who-sees-results"),
    ],
    6: [
        ("suppress", "small-cell-suppression"),
        ("counts under", "small-cell-suppression"),
        ("two ways", "measure-strata"),
        ("m-chat-r/f or swyc-posi", "autism-screening-measure"),
        ("assistance, education", "social-needs-measure"),
        ("well-child / well-care", "measure-rules"),
        ("synchronous video", "measure-rules"),
        ("medhome rules", "measure-rules"),
    ],
    7: [
        ("closing the loop", "referral-follow-up"),
        ("follow-up", "referral-follow-up"),
        ("channel", "safety-referrals"),
        ("consent", "referral-consent"),
        ("their organization", "referral-consent"),
        ("family sees", "referral-consent"),
    ],
}
CITATION = re.compile(
    r"(?:shared/docs/|\.\./\.\./docs/|docs/)?domain-ref(?:erence)?(?:\.md)?"
    r" §(\d+)(?:[–-](\d+))?((?:(?:,| and) §\d+)*)"
)


def anchor(section: int, line: str) -> str:
    text = line.lower()
    for keyword, narrower in KEYWORDS.get(section, []):
        if keyword in text:
            return narrower
    return SECTION[section]


def rewrite_line(line: str) -> str:
    def replace(match: re.Match) -> str:
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        sections = list(range(first, last + 1))
        sections += [int(n) for n in re.findall(r"§(\d+)", match.group(3) or "")]
        anchors = dict.fromkeys(anchor(s, line) for s in sections if s in SECTION)
        if not anchors:
            return match.group(0)
        return " and ".join(f"{DOC}#{a}" for a in anchors)

    return CITATION.sub(replace, line)


def prose_spans(source: str) -> dict[int, int]:
    """{1-based line: column where its prose starts}: comments (from the `#`) and docstrings
    (the whole line)."""
    spans: dict[int, int] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            spans[token.start[0]] = token.start[1]
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body:
            continue
        first = body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            for number in range(first.lineno, (first.end_lineno or first.lineno) + 1):
                spans[number] = 0
    return spans


def rewrite(path: Path) -> tuple[str, list[int]]:
    """The new text and the lines left alone (citations inside strings users may read)."""
    source = path.read_text(encoding="utf-8")
    spans = prose_spans(source) if path.suffix == ".py" else None
    out, left = [], []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        start = 0 if spans is None else spans.get(number)
        if start is None or not CITATION.search(line[start:]):
            if CITATION.search(line):
                left.append(number)
            out.append(line)
        else:
            out.append(line[:start] + rewrite_line(line[start:]))
    return "".join(out), left


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", default=["medhome"])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--skip", action="append", default=[], help="a file to leave as it is")
    options = parser.parse_args()
    skip = {(REPO / s).resolve() for s in options.skip}
    files = []
    for name in options.paths:
        root = (REPO / name).resolve()
        files += [root] if root.is_file() else sorted(root.rglob("*"))
    for path in files:
        if path.suffix not in (".py", ".md") or path in skip or "migrations" in path.parts:
            continue
        text, left = rewrite(path)
        relative = path.relative_to(REPO)
        for number in left:
            print(f"{relative}:{number}: left alone (a string literal)", file=sys.stderr)
        if text != path.read_text(encoding="utf-8"):
            print(f"{relative}: rewritten")
            if not options.dry_run:
                path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
