import datetime as dt

from hotline.data import schema


def test_q1_has_every_row_of_both_attachments(q1):
    towns = q1.units[q1.units["kind"] == schema.TOWN]
    departments = q1.units[q1.units["kind"] == schema.DEPARTMENT]
    assert len(towns) == 8
    assert (departments["parent"] == "").sum() == 41
    sub_units = departments[departments["parent"] != ""]
    assert dict(zip(sub_units["unit"], sub_units["parent"], strict=True)) == {
        "劳动监察大队": "人社局",
        "交警大队": "公安局",
        "林业局": "自然资源局",
        "移民办": "自然资源局",
        "房管所": "住建局",
        "煤炭事务中心": "应急管理局",
        "乡村振兴局": "农业农村局",
    }


def test_blank_count_cells_read_as_zero_and_sub_units_have_no_score(q1):
    row = q1.units.set_index("unit").loc["尧禾镇"]
    assert (row["extended"], row["redone"], row["overdue"], row["penalty"]) == (0, 0, 0, 1.0)
    sub_units = q1.units[q1.units["parent"] != ""]
    assert sub_units["published_score"].isna().all()


def test_published_figures_are_read_as_printed(q1):
    h = q1.headline
    assert (h.received, h.completed, h.completion_rate_pct) == (1615, 1612, 99.8)
    assert (h.extended, h.redone, h.overdue) == (14, 13, 15)
    assert (h.answered_directly, h.assigned_towns, h.assigned_departments, h.joint_dispatch) == (56, 389, 1170, 51)
    assert h.completed_as_of == dt.date(2024, 4, 19)
    assert [(o.unit, o.count) for o in h.outstanding] == [("林皋镇", 2), ("市场局", 1)]
    assert (h.overdue_rate_pct, h.satisfaction_change_pts) == (1.56, -3.0)
    assert h.monthly_satisfaction == (("2024-03", 89.96),)
    assert q1.document.number == "白政办发〔2024〕29号"
    assert q1.document.date == dt.date(2024, 5, 11)
    assert q1.document.cc == ("县委办", "人大办", "政协办", "纪委办", "人武部政工科")


def test_names_printed_across_a_line_break_are_joined(q1):
    assert "国家税务总局白水县税务局" in set(q1.units["unit"])
    assert not q1.units["unit"].str.contains(r"\s").any()
