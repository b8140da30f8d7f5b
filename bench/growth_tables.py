"""Rebuilds medhome/growth/data/*.csv from the published LMS tables (see its README.md).

    .venv/bin/python bench/growth_tables.py WHO_DIR CDCREF_CSV

WHO_DIR holds the WHO anthro files (weianthro.txt, lenanthro.txt, hcanthro.txt,
wflanthro.txt); CDCREF_CSV is CDC's CDCref_d.csv. Only the ages medhome plots are kept: WHO by
day from birth to 731 days, CDC 2000 by half month from 23.5 to 240 months (23.5 so that an age
of exactly 24.0 months interpolates). Values are copied as published, never rounded.
"""

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "medhome" / "growth" / "data"
WHO_LAST_DAY = 731
CDC_FIRST_MONTH = 23.5

WHO_FILES = {
    "who_weight_for_age.csv": ("weianthro.txt", "age", "age_days"),
    "who_length_for_age.csv": ("lenanthro.txt", "age", "age_days"),
    "who_head_circumference_for_age.csv": ("hcanthro.txt", "age", "age_days"),
    "who_weight_for_length.csv": ("wflanthro.txt", "length", "length_cm"),
}
# CDCref_d.csv holds, per row, one age's parameters (suffix 1) and the next age's (suffix 2).
CDC_COLUMNS = {
    "cdc_weight_for_age.csv": "WT",
    "cdc_stature_for_age.csv": "HT",
    "cdc_bmi_for_age.csv": "BMI",
}


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (DATA / name).open("w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(header) + "\n")
        for row in rows:
            handle.write(",".join(row) + "\n")
    print(f"{name}: {len(rows)} rows")


def who(directory: Path) -> None:
    for name, (source, x_column, x_name) in WHO_FILES.items():
        with (directory / source).open(encoding="utf-8") as handle:
            rows = [
                [row["sex"], row[x_column], row["l"], row["m"], row["s"]]
                for row in csv.DictReader(handle, delimiter="\t")
                if x_column != "age" or int(row["age"]) <= WHO_LAST_DAY
            ]
        write(name, ["sex", x_name, "l", "m", "s"], rows)


def cdc(reference: Path) -> None:
    with reference.open(encoding="utf-8") as handle:
        source = [row for row in csv.DictReader(handle) if row["denom"] == "age"]
    for name, key in CDC_COLUMNS.items():
        rows: dict[tuple[str, float], list[str]] = {}
        for row in source:
            for suffix, age in (("1", row["_AGEMOS1"]), ("2", row["_AGEMOS2"])):
                lms = [row[f"_L{key}{suffix}"], row[f"_M{key}{suffix}"], row[f"_S{key}{suffix}"]]
                if float(age) >= CDC_FIRST_MONTH and all(lms):
                    rows[(row["SEX"], float(age))] = [row["SEX"], age, *lms]
        write(name, ["sex", "age_months", "l", "m", "s"], [rows[k] for k in sorted(rows)])


if __name__ == "__main__":
    who(Path(sys.argv[1]))
    cdc(Path(sys.argv[2]))
