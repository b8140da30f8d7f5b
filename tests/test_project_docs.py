"""The project's map stays true: the clinical-rule anchors the code cites exist in
docs/clinical-rules.md, and the layer list of docs/architecture.md is the import-linter contract."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "docs" / "clinical-rules.md"
ARCHITECTURE = REPO / "docs" / "architecture.md"
CITATION = re.compile(r"docs/clinical-rules\.md#([A-Za-z0-9_-]+)")
CITING = ("medhome", "tests", "bench", "templates")


def anchors() -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', RULES.read_text(encoding="utf-8")))


def citations() -> dict[str, list[str]]:
    """{anchor: [file:line, ...]} for every citation in the code, data and templates."""
    found: dict[str, list[str]] = {}
    for folder in CITING:
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix not in (".py", ".md", ".json", ".html", ".txt") or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for anchor in CITATION.findall(line):
                    found.setdefault(anchor, []).append(f"{path.relative_to(REPO)}:{number}")
    return found


def test_every_cited_clinical_rule_exists():
    cited = citations()
    assert len(cited) > 20  # the citations were found
    missing = {anchor: places for anchor, places in cited.items() if anchor not in anchors()}
    assert missing == {}, f"cited in code, no such anchor in docs/clinical-rules.md: {missing}"


def test_the_contents_links_of_the_clinical_rules_resolve():
    text = RULES.read_text(encoding="utf-8")
    assert set(re.findall(r"\]\(#([A-Za-z0-9_-]+)\)", text)) <= anchors()


def contract_layers() -> list[str]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        config = tomllib.load(handle)["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [" | ".join(sorted(p.strip() for p in layer.split("|"))) for layer in contract["layers"]]


def documented_layers() -> list[str]:
    block = re.search(r"```layers\n(.*?)```", ARCHITECTURE.read_text(encoding="utf-8"), re.S)
    assert block, "docs/architecture.md has no ```layers block"
    lines = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    return [" | ".join(sorted(p.strip() for p in line.split("|"))) for line in lines]


def exists(module: str) -> bool:
    path = REPO / module.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").is_file()


def test_the_documented_layers_are_the_import_contract():
    """Same layers, same order. A layer the map names for a package that is not in this tree yet
    (an app being added in parallel) is skipped until the package exists; then it must be in the
    contract too."""
    present = [layer for layer in documented_layers() if all(exists(m) for m in layer.split(" | "))]
    assert present == contract_layers()


def test_every_app_in_the_contract_has_a_row_in_the_apps_table():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    apps = {module.split(".")[1] for layer in contract_layers() for module in layer.split(" | ")}
    missing = sorted(app for app in apps if f"| `{app}` |" not in text)
    assert missing == []
