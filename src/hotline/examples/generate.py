"""Synthetic example quarters, so history features can be shown and tested before real ones exist.

Every generated quarter says ``example = true`` in its circular.toml, and every page it appears
on is marked 示例数据. They are written to a separate data folder (a copy of the real one),
never into data/.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from pathlib import Path

from hotline.data import provenance, schema
from hotline.data.quarter_id import QuarterId, quarters_dir
from hotline.data.quarters import Quarter, load_all
from hotline.data.registry import ALIASES_FILE, UNITS_FILE
from hotline.data.schema import FORMAT_FILE
from hotline.format import load as load_format
from hotline.format.model import CircularFormat
from hotline.rules import scoring
from hotline.rules.rates import percentage
from hotline.rules.totals import attachment_sums, overall

BAISHUI_FORMAT = Path(__file__).resolve().parents[3] / "data" / FORMAT_FILE
EXAMPLE_NOTE = "示例数据：本季度的数字由程序随机生成，仅用于演示网站的历史比较功能，不是真实通报。"
# A renamed unit and a new one, so that the history follows a unit across a rename.
RENAMED_UNIT = ("D07", "城管局", "城市管理执法局")
NEW_UNIT = ("E90", "新能源公司", "企业")


def _points(rng: random.Random, scale: float) -> str:
    value = round(rng.uniform(0, scale) * 2) / 2
    return "" if value == 0 else f"{value:g}"


def _count(value: int) -> str:
    return "" if value == 0 else str(value)


def _rows(base: Quarter, kind: str, rng: random.Random, names: dict[str, str], dropped: set[str]) -> list[list]:
    rows = []
    units = base.units[(base.units["kind"] == kind) & ~base.units["unit"].isin(dropped)]
    for row in units.itertuples():
        work_orders = max(1, round(row.work_orders * rng.uniform(0.6, 1.4)))
        extended, redone, overdue = (int(rng.random() < p) * rng.randint(1, 3) for p in (0.15, 0.15, 0.1))
        rows.append(
            {
                "unit": names.get(row.unit, row.unit),
                "parent": names.get(row.parent, row.parent),
                "work_orders": work_orders,
                "extended": extended,
                "redone": redone,
                "overdue": overdue,
                "bonus": _points(rng, 5),
                "penalty": _points(rng, 4 + 3 * (redone + overdue)),
            }
        )
    return rows


def _write_quarter(
    folder: Path, quarter: QuarterId, tables: dict[str, list[dict]], answered: int, circular: CircularFormat
) -> None:
    folder.mkdir(parents=True)
    import pandas as pd

    all_rows = []
    for kind, rows in tables.items():
        frame = pd.DataFrame(rows).assign(kind=kind)
        frame["bonus"] = pd.to_numeric(frame["bonus"].replace("", "0"))
        frame["penalty"] = pd.to_numeric(frame["penalty"].replace("", "0"))
        frame["published_score"] = float("nan")
        scores = scoring.composite_scores(frame, circular).set_index("unit")["composite_score"]
        lines = [",".join(c.zh for c in schema.FILE_COLUMNS)]
        for row in rows:
            top = row["parent"] == ""
            cells = [row["parent"] or row["unit"], "" if top else row["unit"]]
            cells += [str(row["work_orders"]), _count(row["extended"]), _count(row["redone"]), _count(row["overdue"])]
            cells += [row["bonus"], row["penalty"], f"{scores[row['unit']]:g}" if top else ""]
            lines.append(",".join(cells))
        (folder / schema.ATTACHMENT_FILE[kind]).write_text("\n".join(lines) + "\n", encoding="utf-8")
        all_rows.append(frame.assign(score=frame["unit"].map(scores)))
    frame = pd.concat(all_rows)
    sums = attachment_sums(frame)
    received = answered + overall(sums, "work_orders")
    totals = {k: overall(sums, k) for k in ("extended", "redone", "overdue")}
    outstanding = frame.sort_values("overdue", ascending=False).iloc[0]
    ranking = scoring.rank(scoring.composite_scores(frame.drop(columns="score"), circular), circular)
    best = scoring.best_units(ranking, circular)
    top_volume = frame.sort_values("work_orders", ascending=False, kind="stable").head(4)
    previous = quarter.previous
    toml = f'''# {EXAMPLE_NOTE}
quarter = "{quarter}"
example = true

[document]
number = "示例〔{quarter.year + (quarter.number == 4)}〕{quarter.number}号"
title = "（示例）白水县人民政府办公室关于{quarter.zh}12345快速响应平台工单办理情况的通报"
issuer = "白水县人民政府办公室"
addressees = "各镇人民政府、城关街道办事处，县政府有关工作部门、直属机构"
date = {quarter.year + (quarter.number == 4)}-{(quarter.number * 3) % 12 + 2:02d}-10
cc = ["县委办", "人大办", "政协办", "纪委办", "人武部政工科"]

[headline]
received = {received}
completed = {received - 1}
completed_as_of = {quarter.year + (quarter.number == 4)}-{(quarter.number * 3) % 12 + 1:02d}-20
completion_rate_pct = {percentage(received - 1, received, scoring.COMPLETION_RATE_DECIMALS)}
extended = {totals["extended"]}
redone = {totals["redone"]}
overdue = {totals["overdue"]}
answered_directly = {answered}
assigned_towns = {sums[schema.TOWN]["work_orders"]}
assigned_departments = {sums[schema.DEPARTMENT]["work_orders"]}
joint_dispatch = {answered - 5}
joint_dispatch_outstanding = 0
overdue_rate_pct = {percentage(totals["overdue"], received, scoring.OVERDUE_RATE_DECIMALS)}
satisfaction_change_pts = {(quarter.number - 2) * 0.5}
satisfaction_compared_with = "{previous}"

[[headline.outstanding]]
unit = "{outstanding["unit"]}"
count = 1

[lists]
top_volume = [{", ".join(f'{{ unit = "{r.unit}", work_orders = {r.work_orders} }}' for r in top_volume.itertuples())}]
best_units = [{", ".join(f'"{u}"' for u in best)}]
'''
    for kind in tables:
        toml += f"\n[totals.{kind}]\n" + "\n".join(f"{k} = {v}" for k, v in sums[kind].items()) + "\n"
    (folder / "circular.toml").write_text(toml, encoding="utf-8")
    for name, text in {
        "preamble.md": EXAMPLE_NOTE,
        "quality_remark.md": "（示例数据，无叙述。）",
        "problems.md": f"{EXAMPLE_NOTE}本部分在真实通报中由工作人员按原文录入。",
        "requirements.md": f"{EXAMPLE_NOTE}本部分在真实通报中由工作人员按原文录入。",
    }.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    (folder / provenance.PROVENANCE_FILE).write_text(
        f'document_number = "示例〔{quarter.year + (quarter.number == 4)}〕{quarter.number}号"\n'
        "document_date = 2000-01-01\n"
        f'source = "示例数据生成器（hotline.examples），不是真实通报"\nentered_by = "程序生成"\n'
        f'entered_on = 2000-01-01\nnotes = "{EXAMPLE_NOTE}"\n\n[checksums]\n',
        encoding="utf-8",
    )
    provenance.record_checksums(folder)


def _rename_in_registry(target: Path) -> tuple[str, str]:
    unit_id, old, new = RENAMED_UNIT
    units = target / UNITS_FILE
    rows = list(csv.reader(io.StringIO(units.read_text(encoding="utf-8-sig"))))
    for row in rows:
        if row[0] == unit_id:
            row[1] = new
    rows.append([NEW_UNIT[0], NEW_UNIT[1], NEW_UNIT[2], "", "示例数据中的新单位"])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    units.write_text(out.getvalue(), encoding="utf-8")
    return unit_id, old


def generate(real_data: Path, target: Path, count: int = 3, seed: int = 12345) -> list[QuarterId]:
    """Copy real data to ``target`` and add ``count`` example quarters after the latest real one.

    The last example quarter publishes 城管局 under a new name (registered as an alias), drops one
    unit and adds a new one, so that history, rank moves and unit pages have something to follow.
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(real_data, target)
    circular = load_format.load(target)
    rng = random.Random(seed)
    real = load_all(real_data)
    base = real[-1]
    unit_id, old_name = _rename_in_registry(target)
    rename_from = None
    made = []
    quarter = base.id
    for n in range(count):
        quarter = QuarterId(quarter.year + (quarter.number == 4), quarter.number % 4 + 1)
        last = n == count - 1
        names = {old_name: RENAMED_UNIT[2]} if last else {}
        dropped = {"人民武装部"} if last else set()
        tables = {kind: _rows(base, kind, rng, names, dropped) for kind in (schema.TOWN, schema.DEPARTMENT)}
        if last:
            tables[schema.DEPARTMENT].append(
                {"unit": NEW_UNIT[1], "parent": "", "work_orders": 9, "extended": 0, "redone": 1, "overdue": 0}
                | {"bonus": "1", "penalty": "4"}
            )
            rename_from = quarter
        _write_quarter(quarters_dir(target) / str(quarter), quarter, tables, rng.randint(40, 80), circular)
        made.append(quarter)
    aliases = target / ALIASES_FILE
    until = QuarterId(rename_from.year, rename_from.number).previous
    aliases.write_text(
        aliases.read_text(encoding="utf-8")
        + f"{old_name},{unit_id},,{until},示例数据：{rename_from}起改称{RENAMED_UNIT[2]}\n",
        encoding="utf-8",
    )
    return made


def generate_benchmark(target: Path, quarters: int = 40, units: int = 300, seed: int = 2024) -> list[QuarterId]:
    """A large synthetic data folder (example quarters only) for measuring build speed.

    About a tenth of the units are town offices; every tenth department has two sub-units.
    """
    if target.exists():
        shutil.rmtree(target)
    (target / "quarters").mkdir(parents=True)
    shutil.copyfile(BAISHUI_FORMAT, target / FORMAT_FILE)  # the examples are shaped like Baishui's circular
    circular = load_format.load(target)
    rng = random.Random(seed)
    towns = max(2, units // 10)
    registry = [["编号", "名称", "类别", "上级单位编号", "说明"]]
    layout: dict[str, list[tuple[str, str]]] = {schema.TOWN: [], schema.DEPARTMENT: []}
    for n in range(1, towns + 1):
        registry.append([f"T{n:03d}", f"示例镇{n:03d}", "镇办", "", "基准测试用"])
        layout[schema.TOWN].append((f"示例镇{n:03d}", ""))
    number = 0
    while len(registry) - 1 < units:
        number += 1
        parent_id, parent = f"D{number:03d}", f"示例局{number:03d}"
        registry.append([parent_id, parent, "部门", "", "基准测试用"])
        layout[schema.DEPARTMENT].append((parent, ""))
        if number % 10 == 0:
            for sub in (1, 2):
                if len(registry) - 1 >= units:
                    break
                name = f"{parent}下属{sub}"
                registry.append([f"S{number:03d}{sub}", name, "部门", parent_id, "基准测试用"])
                layout[schema.DEPARTMENT].append((name, parent))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(registry)
    (target / UNITS_FILE).write_text(out.getvalue(), encoding="utf-8")
    (target / ALIASES_FILE).write_text("曾用名,编号,起始季度,截止季度,说明\n", encoding="utf-8")
    (target / provenance.CORRECTIONS_FILE).write_text(",".join(provenance.CORRECTIONS_HEADER) + "\n", encoding="utf-8")
    made = []
    quarter = QuarterId(2024 - quarters // 4, 4)
    for _ in range(quarters):
        quarter = QuarterId(quarter.year + (quarter.number == 4), quarter.number % 4 + 1)
        tables = {}
        for kind, rows in layout.items():
            tables[kind] = []
            for name, parent in rows:
                redone, overdue = (int(rng.random() < p) * rng.randint(1, 3) for p in (0.15, 0.1))
                tables[kind].append(
                    {"unit": name, "parent": parent, "work_orders": rng.randint(1, 150), "redone": redone}
                    | {"extended": int(rng.random() < 0.15), "overdue": overdue}
                    | {"bonus": _points(rng, 5), "penalty": _points(rng, 4 + 3 * (redone + overdue))}
                )
        _write_quarter(quarters_dir(target) / str(quarter), quarter, tables, rng.randint(40, 80), circular)
        made.append(quarter)
    return made
