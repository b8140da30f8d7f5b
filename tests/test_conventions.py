"""House rules that tools can check (docs/architecture.md, rules 3, 6 and 12)."""

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "medhome"
TEMPLATE_DIRS = [PACKAGE.parent / "templates", *PACKAGE.glob("*/templates")]

CLOCK_READS = re.compile(
    r"timezone\.now\(|timezone\.localdate\(|date\.today\(|datetime\.now\(|datetime\.today\(|time\.time\("
)


def python_files(pattern: str) -> list[Path]:
    return sorted(p for p in PACKAGE.rglob(pattern) if "migrations" not in p.parts)


@pytest.mark.parametrize("view_module", python_files("views.py"), ids=lambda p: p.parent.name)
def test_views_reach_rows_only_through_selectors(view_module: Path) -> None:
    """Rule 3: protected rows come only through access_* / selectors, never Model.objects."""
    assert ".objects." not in view_module.read_text()


def test_only_the_edges_read_the_clock() -> None:
    """Rule 6: services take dates as arguments; the clock is read in core.clock only
    (management commands, being edges, may call core.clock too but not the clock itself)."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in python_files("*.py")
        if path != PACKAGE / "core" / "clock.py"
        and "tests" not in path.parts
        and CLOCK_READS.search(path.read_text())
    ]
    assert offenders == []


def test_templates_have_no_inline_script_or_style() -> None:
    """Rule 12: CSP is 'self' only, so inline <script> bodies and style attributes would break."""
    offenders = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            text = template.read_text()
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text):
                offenders.append(str(template))
            if re.search(r"\son[a-z]+=\"", text):
                offenders.append(str(template))
    assert offenders == []


def test_csv_is_written_only_through_core_spreadsheet() -> None:
    """Security catalogue 12: every CSV neutralises formula cells, so csv.writer and
    csv.DictWriter are called in medhome/core/spreadsheet.py only (tests may write raw input)."""
    raw_writer = re.compile(
        r"\bcsv\s*\.\s*(writer|DictWriter)\b|from\s+csv\s+import[^\n]*\b(writer|DictWriter)\b"
    )
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in python_files("*.py")
        if path != PACKAGE / "core" / "spreadsheet.py"
        and "tests" not in path.parts
        and raw_writer.search(path.read_text())
    ]
    assert offenders == []


def test_pdfs_are_made_only_through_core_pdf() -> None:
    """Security catalogue 12: WeasyPrint runs with a fetcher that serves only static files, so it
    is imported in medhome/core/pdf.py only."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in python_files("*.py")
        if path != PACKAGE / "core" / "pdf.py"
        and "tests" not in path.parts
        and re.search(r"^\s*(from|import)\s+weasyprint\b", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []


def test_ids_from_query_strings_and_forms_go_through_core_params() -> None:
    """A malformed id in GET or POST answers 400 through core.params, never a 500 from UUID()."""
    raw_parse = re.compile(r"UUID\(\s*request\.(GET|POST)")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in python_files("*.py")
        if "tests" not in path.parts and raw_parse.search(path.read_text())
    ]
    assert offenders == []


TASK_TABLE = re.compile(
    r"\bTask\.objects\b|from medhome\.tasks\.models import[^\n]*\bTask\b[^\w]|"
    r"from medhome\.tasks\.models import \([^)]*\bTask\b[^\w]"
)


def test_only_the_tasks_app_reads_or_writes_tasks() -> None:
    """Issue 14 root 9: other apps open, reschedule and close tasks through tasks.services and
    read them through tasks.selectors, never through the Task table."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in python_files("*.py")
        if PACKAGE / "tasks" not in path.parents
        and "tests" not in path.parts
        and TASK_TABLE.search(path.read_text())
    ]
    assert offenders == []


# The box may be a named region a keyboard reaches (tabindex, role, label), where a phone scrolls
# a table without a link in it (tests/e2e/test_accessibility.py, on a phone).
WRAPPED_TABLE = re.compile(r'<div class="table-scroll"[^>]*>\s*$')
STACKED_TABLE = re.compile(r'class="[^"]*\bstacked\b')


def test_every_staff_table_scrolls_in_its_own_box() -> None:
    """A table wider than a phone or a tablet scrolls sideways in a .table-scroll box, or is read
    as one card per row (table.stacked), instead of squeezing its words to a letter a line
    (static/css/medhome.css, "tables")."""
    offenders = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            name = str(template.relative_to(directory))
            text = template.read_text()
            for match in re.finditer(r"<table\b[^>]*>", text):
                if STACKED_TABLE.search(match.group(0)):
                    continue
                if not WRAPPED_TABLE.search(text[: match.start()]):
                    offenders.append(f"{name}:{text.count(chr(10), 0, match.start()) + 1}")
    assert offenders == []


def test_a_table_box_a_keyboard_reaches_is_a_named_region() -> None:
    """A .table-scroll box with a tab stop is announced for what it holds: a region with a
    name, not an unnamed group a screen reader reads as nothing."""
    offenders = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            for box in re.findall(r'<div class="table-scroll"[^>]*>', template.read_text()):
                if "tabindex" in box and not (
                    'role="region"' in box and re.search(r"aria-label(ledby)?=", box)
                ):
                    offenders.append(f"{template.relative_to(directory)}: {box}")
    assert offenders == []


def test_table_cells_keep_their_words_whole() -> None:
    """main breaks long words anywhere; tables must not inherit it, or a narrow column shows a
    word one letter a line."""
    css = (PACKAGE.parent / "static" / "css" / "medhome.css").read_text()
    rule = re.search(r"main table, main table th, main table td \{([^}]*)\}", css)
    assert rule and "overflow-wrap: break-word" in rule.group(1)
    assert "word-break: break-all" not in css.replace("code.copyable { word-break: break-all", "")
