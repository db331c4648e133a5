"""Importing a circular as published reproduces the committed data exactly."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from hotline.data import importer, provenance, schema
from hotline.data.errors import DataError
from hotline.data.loading import NARRATIVE_FILES, load_quarter

from .conftest import DATA, REPO

REFERENCE = DATA / "sources" / "2024Q1-baishui-circular.txt"  # the circular's text as received
Q1 = DATA / "quarters" / "2024Q1"
DATA_FILES = ["circular.toml", *schema.ATTACHMENT_FILE.values(), *NARRATIVE_FILES.values()]


def _import_script(*args: str) -> int:
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_quarter", REPO / "scripts" / "import_quarter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(list(args))


@pytest.fixture
def empty_data(data_copy) -> Path:
    import shutil

    shutil.rmtree(data_copy / "quarters" / "2024Q1")
    (data_copy / "quarters" / "2024Q1").parent.mkdir(exist_ok=True)
    return data_copy


def test_importing_the_reference_text_reproduces_q1_byte_for_byte(empty_data, capsys):
    assert _import_script(str(REFERENCE), "--entered-by", "测试", "--data", str(empty_data)) == 0
    folder = empty_data / "quarters" / "2024Q1"
    for name in DATA_FILES:
        assert (folder / name).read_bytes() == (Q1 / name).read_bytes(), name
    printed = capsys.readouterr().out
    assert "附件2：41个单位、7个下属单位" in printed and "校验通过" in printed


def _workbook_like_the_attachments(path: Path, *, drop_column: str | None = None, shift_row: int | None = None):
    """An .xlsx laid out as the circular prints the attachments, built from the committed CSVs."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    q1 = load_quarter(DATA, "2024Q1")
    for kind, file in schema.ATTACHMENT_FILE.items():
        sheet = workbook.create_sheet(f"附件{schema.ATTACHMENT_NO[kind]}")
        sheet.append([f"2024 年第一季度{schema.ATTACHMENT_TITLE[kind]}"])
        sheet.append(["(包含联合派单)"])
        printed = importer.TOWN_HEADER if kind == schema.TOWN else importer.DEPARTMENT_HEADER
        header = [h for h in printed if h != drop_column]
        sheet.append(header)
        lines = (Q1 / file).read_text(encoding="utf-8").splitlines()[1:]
        for number, line in enumerate(lines):
            unit, sub, *values = line.split(",")
            cells = [("" if sub else unit)] + ([sub] if kind == schema.DEPARTMENT else []) + values
            cells = [(float(c) if "." in c else int(c)) if c and c[0].isdigit() else (c or None) for c in cells]
            if drop_column:
                del cells[printed.index(drop_column)]
            if shift_row == number:
                cells.insert(1, None)
            sheet.append(cells)
            if number == 20:
                sheet.append(header)  # the table continues on a new page
        totals = q1.published_totals[kind]
        sheet.append(
            ["总计"]
            + ([None] if kind == schema.DEPARTMENT else [])
            + [totals[c.key] or None for c in schema.COUNT_COLUMNS]
        )
    workbook.save(path)


def test_importing_an_xlsx_of_the_same_tables_reproduces_the_attachments(empty_data, tmp_path, capsys):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook)
    code = _import_script(str(workbook), "--quarter", "2024Q1", "--entered-by", "测试", "--data", str(empty_data))
    assert code == 2  # headline and narrative are left for staff
    folder = empty_data / "quarters" / "2024Q1"
    for name in schema.ATTACHMENT_FILE.values():
        assert (folder / name).read_bytes() == (Q1 / name).read_bytes(), name
    assert "待填写" in (folder / "circular.toml").read_text(encoding="utf-8")
    assert "待填写" in capsys.readouterr().out
    assert "[totals.department]\nwork_orders = 1170\nextended = 3\nredone = 8\noverdue = 6" in (
        folder / "circular.toml"
    ).read_text(encoding="utf-8")


def test_an_xlsx_missing_a_column_names_the_header_cell(tmp_path):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook, drop_column="逾期量")
    with pytest.raises(DataError, match=r"附件1!3.*表头应为"):
        importer.parse_workbook(workbook)


def test_an_xlsx_with_shifted_cells_names_the_row(tmp_path):
    workbook = tmp_path / "附件.xlsx"
    _workbook_like_the_attachments(workbook, shift_row=2)
    with pytest.raises(DataError, match=r"附件1!6"):
        importer.parse_workbook(workbook)


def test_a_shifted_row_in_the_text_names_its_line(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8").replace("尧禾镇\t64\t", "尧禾镇\t\t64\t", 1)
    with pytest.raises(DataError) as caught:
        importer.parse_circular_text(text, tmp_path / "通报.txt")
    assert caught.value.line == 62


def test_an_unknown_unit_in_the_text_is_named_with_the_closest_registry_names(empty_data, tmp_path, capsys):
    source = tmp_path / "通报.txt"
    source.write_text(REFERENCE.read_text(encoding="utf-8").replace("\t交警大队\t", "\t交警队\t"), "utf-8")
    assert _import_script(str(source), "--entered-by", "测试", "--data", str(empty_data)) == 2
    error = capsys.readouterr().err
    assert "“交警队”不在单位名录" in error and "交警大队" in error


def test_a_change_without_a_corrections_entry_cannot_be_recorded(data_copy):
    folder = data_copy / "quarters" / "2024Q1"
    towns = folder / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64", "尧禾镇,,65"), "utf-8")
    with pytest.raises(DataError, match="校验值不一致"):
        provenance.verify(folder)
    with pytest.raises(DataError, match=r"towns.csv 已改动，但更正记录中没有新的登记"):
        provenance.record_checksums(folder)
    log = data_copy / "corrections.csv"
    log.write_text(log.read_text(encoding="utf-8") + "2026-12-01,2024Q1,towns.csv,尧禾镇工单量64改为65,测试\n", "utf-8")
    with pytest.raises(DataError, match="更正记录"):
        provenance.verify(folder)  # logged but not yet recorded
    provenance.record_checksums(folder)
    assert provenance.verify(folder).corrections == 2


def test_the_kept_source_text_is_the_one_recorded_in_provenance():
    record = provenance.read(Q1)
    assert REFERENCE.name in record.source
    assert provenance.sha256(REFERENCE) == record.source_checksum


def test_every_logged_correction_names_a_quarter_and_a_reason():
    log = provenance.read_corrections(DATA)
    assert all(entry.change and entry.reason for entry in log)
