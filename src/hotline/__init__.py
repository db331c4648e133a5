"""Baishui County 12345 hotline circulars: data, rules, the public site and the official documents.

For researchers, one call for each table of any place's data folder (its circulars, scored and
checked by its own format, data/format.toml); see ``notebooks/research.ipynb``:

- :func:`load_units`: every period in one tidy table, one row per unit per period;
- :func:`load_headline`: the headline figures of every period, as published;
- :func:`load_checks`: every published figure against what the tables and the rules give;
- :func:`load_format`: the circular's format (groups and labels, score rule, full marks);
- :func:`use_chinese_font`: matplotlib draws Chinese labels in the bundled CJK font.

Each call validates the data folder and computes the results from it, so a notebook cell copied
anywhere needs nothing else. The site build, which has validated and computed them already, hands
them over once (:func:`use_saved`, in a cell the site does not show).
"""

from __future__ import annotations

from pathlib import Path

_saved: dict[Path, Path] = {}  # data folder → the results the site build saved for it


def use_saved(data_dir: str | Path, saved: str | Path | None) -> None:
    """For the site build only: the calls below read ``saved`` (the build's validated results of
    ``data_dir``) instead of validating the folder again."""
    if saved:
        _saved[Path(data_dir).resolve()] = Path(saved)


_opened: dict[object, object] = {}  # the last results, by what they were made from


def _history(data_dir: str | Path):
    """The data folder's results, made once for the calls below while the folder stays the same:
    by the saved file the build handed over (named by its content), or by the folder's content."""
    from hotline.data.files import DataFolder
    from hotline.rules.history import History
    from hotline.site import keys

    folder = Path(data_dir).resolve()
    saved = _saved.get(folder)
    data = DataFolder(folder)  # each file read once: for the key, then for the results
    key = saved or keys.digest(keys.tree(folder, "data", reader=data.read_bytes), str(folder))
    if key not in _opened:
        _opened.clear()
        _opened[key] = History.open(data, saved)  # the saved results, or built from the folder
    return _opened[key]


def load_format(data_dir: str | Path = "data"):
    """The data folder's circular format (data/format.toml): its groups and their labels, the score
    rule and full marks, the ranking, as :class:`hotline.format.model.CircularFormat`."""
    from hotline.format import load

    return load.load(Path(data_dir))


def load_units(data_dir: str | Path = "data", saved: str | Path | None = None):
    """Validate ``data_dir`` and return every unit of every quarter as one pandas DataFrame, with
    the rule score, combined work orders and rank of each scored unit (see the data dictionary).
    (``saved``: kept for notebooks written before :func:`use_saved`.)"""
    use_saved(data_dir, saved)
    return _history(data_dir).units.copy()


def load_headline(data_dir: str | Path = "data"):
    """One row per quarter: the headline figures (受理, 办结, 办结率 …) as each circular published them."""
    return _history(data_dir).headline()


def load_checks(data_dir: str | Path = "data"):
    """One row per check: each published figure, the value computed from the tables or the rules,
    the numbers it was computed from and whether the two agree."""
    return _history(data_dir).checks()


def use_chinese_font() -> None:
    from hotline.pages.charts import use_cjk_font

    use_cjk_font()
