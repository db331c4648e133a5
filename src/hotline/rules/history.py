"""All quarters together, built once per build from the quarters' results: the long table, the
headline figures by quarter, quarter-over-quarter changes, rank movements and runs below full marks.

Units are followed by their registry id, so a renamed unit stays one unit over time. Everything
here is numbers; the comparison page says them in words.
"""

from __future__ import annotations

import dataclasses
import functools
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hotline.data import publish_log, schema
from hotline.data.files import DataFolder
from hotline.data.provenance import Correction, read_corrections
from hotline.data.quarter_id import QuarterId
from hotline.data.quarters import Quarter, check_still_a_draft, discover_quarters, draft_quarters, load_quarter
from hotline.data.registry import Registry
from hotline.format import load as load_format
from hotline.format.model import CircularFormat
from hotline.rules import full_marks, moves, periods
from hotline.rules.checks import Check
from hotline.rules.results import UNIT_COLUMNS, QuarterResult, compute

#: The headline figures followed over time, in the order the comparison page shows them.
TREND_KEYS = ("received", "completion_rate_pct", "extended", "redone", "overdue", "satisfaction_change_pts")


@dataclass(frozen=True)
class History:
    results: tuple[QuarterResult, ...]
    registry: Registry
    corrections: tuple[Correction, ...]
    units: pd.DataFrame  # the long table: one row per unit per quarter (UNIT_COLUMNS)
    format: CircularFormat  # the place's circular format (data/format.toml)
    publications: tuple[publish_log.Publication, ...] = ()  # the public 发布记录, its chain checked

    @classmethod
    def build(
        cls,
        data: DataFolder | Path,
        reuse: Callable[[QuarterId], QuarterResult | None] = lambda quarter: None,
        *,
        drafts: bool = False,
    ) -> History:
        """Validate every issued quarter (checksums included) and compute its results: the one time
        a build reads and computes them. ``reuse`` may give a quarter's results as an earlier build
        validated and computed them from the very same inputs (see :mod:`hotline.site.validated`);
        the registry, the corrections log and what spans quarters are checked every time.

        Drafts are left out: the public site holds issued circulars only. With ``drafts`` (the
        staff's preview) they are in, read as they stand (a part still 待填写 is empty and
        differences are shown, not blocking: issuing is where they must be settled)."""
        folder = DataFolder.of(data)
        circular = load_format.load(folder)
        registry = Registry.load(folder)
        results = tuple(
            reuse(quarter) or compute(load_quarter(folder, quarter, registry, drafting=drafts), registry, circular)
            for quarter in discover_quarters(folder, drafts=drafts)
        )
        corrections = tuple(read_corrections(folder))
        if not drafts:  # a draft's own load checks this; the public build does not load drafts
            for quarter in draft_quarters(folder):
                check_still_a_draft(folder, quarter)
        publications = tuple(publish_log.read(folder))
        publish_log.check_still_published(folder, publications, [r.id for r in results if not r.quarter.is_draft])
        units = pd.concat([r.units for r in results], ignore_index=True)[list(UNIT_COLUMNS)]
        return cls(results, registry, corrections, units, circular, publications)

    def save(self, path: Path) -> Path:
        """Kept for the notebooks, which then read these results instead of the data files."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
        return path

    @staticmethod
    def open(data: DataFolder | Path, saved: Path | str | None = None) -> History:
        """The results a build saved (``saved``), or, opened by hand in Jupyter, built from the data."""
        if saved:
            return pickle.loads(Path(saved).read_bytes())  # written by this project's own build
        return History.build(data)

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        return tuple(r.quarter for r in self.results)

    @property
    def quarter_ids(self) -> list[str]:
        return [str(r.id) for r in self.results]

    @property
    def latest(self) -> QuarterResult:
        return self.results[-1]

    @property
    def has_drafts(self) -> bool:
        return any(r.quarter.is_draft for r in self.results)

    @property
    def issued(self) -> tuple[QuarterResult, ...]:
        """The results of issued quarters: what search, the feed and the sitemap may list."""
        return tuple(r for r in self.results if not r.quarter.is_draft)

    @property
    def issuer(self) -> str:
        """Who issues the circular, as the latest issued quarter names it (the latest quarter's while
        none is issued yet: the preview of a first draft)."""
        return (self.issued or self.results)[-1].quarter.document.issuer

    @property
    def has_examples(self) -> bool:
        return any(r.quarter.example for r in self.results)

    def result(self, quarter: str) -> QuarterResult:
        return self._by_quarter[quarter]

    @functools.cached_property
    def _by_quarter(self) -> dict[str, QuarterResult]:
        """Results by quarter id: every unit page asks for each of its quarters (300 × 40 lookups)."""
        return {str(r.id): r for r in self.results}

    @functools.cached_property
    def ranked_counts(self) -> dict[tuple[str, str], int]:
        """How many units each quarter ranks in each group (kind), for "第N名（共M个）"."""
        return {
            (str(r.id), kind): int(count)
            for r in self.results
            for kind, count in r.ranking["kind"].value_counts().items()
        }

    def current_name(self, unit_id: str) -> str:
        return self.registry.units[unit_id].name

    def headline(self) -> pd.DataFrame:
        """One row per quarter: the headline figures exactly as each circular published them (for a
        draft, the figures it leaves to the tables are computed; see results.stated_headline)."""
        rows = []
        for result in self.results:
            headline = result.headline
            row = {"quarter": str(result.id)}
            row |= {c.key: getattr(headline, c.key) for c in schema.HEADLINE_COLUMNS}
            row["completed_as_of"] = headline.completed_as_of.isoformat()
            row["example"] = result.quarter.example
            rows.append(row)
        frame = pd.DataFrame(rows)
        for column in schema.HEADLINE_COLUMNS:
            if column.type in ("count", "points", "score"):
                frame[column.key] = pd.to_numeric(frame[column.key])
        return frame

    def checks(self) -> pd.DataFrame:
        """One row per check of every quarter: each published figure against the value computed from
        the tables or the rules (see :class:`hotline.rules.checks.Check`); a list (named units) is
        kept as a tuple, numbers as numbers."""
        names = [f.name for f in dataclasses.fields(Check)]
        rows = [
            (str(result.id), *(getattr(check, name) for name in names), result.quarter.example)
            for result in self.results
            for check in result.checks
        ]
        return pd.DataFrame(rows, columns=["quarter", *names, "example"])

    def compared_with(self, quarter: str | QuarterId) -> periods.Previous | None:
        """The quarter ``quarter`` is compared with: the latest earlier one with data, and the
        quarters missing in between (see :mod:`hotline.rules.periods`); its results are
        ``results[found.index]``. None for the first quarter."""
        ids = [r.id for r in self.results]
        return periods.previous(ids, self.quarter_ids.index(str(quarter)))

    def gaps(self) -> list[tuple[QuarterId, periods.Previous]]:
        """Each quarter compared across a gap, with what it is compared with: what a page that
        compares quarters must say."""
        found = [(r.id, self.compared_with(r.id)) for r in self.results]
        return [(quarter, before) for quarter, before in found if before is not None and not before.adjacent]

    def changes(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Each trend figure by quarter (rows: figures; columns: quarters) and, in a second frame
        with the same shape, its change from the quarter it is compared with (:meth:`compared_with`:
        across a gap, the latest earlier quarter; see :meth:`gaps`). NaN for the first quarter and
        for 满意率变化, which is already a change."""
        headline = self.headline().set_index("quarter")
        values = headline[list(TREND_KEYS)].T
        deltas = values.diff(axis=1)
        deltas.loc["satisfaction_change_pts"] = float("nan")
        return values, deltas

    def scored(self) -> pd.DataFrame:
        """Scored (top-level) units only, one row per unit per quarter."""
        return self.units[self.units["rank"].notna()]

    def score_matrix(self) -> pd.DataFrame:
        """Rule score of each scored unit (rows: registry ids, town offices first) in each quarter."""
        scored = self.scored()
        matrix = scored.pivot(index="unit_id", columns="quarter", values="composite_score")
        order = scored.assign(_town=scored["kind"] != schema.TOWN).sort_values(["_town", "unit_id"])
        return matrix.reindex(index=order["unit_id"].drop_duplicates(), columns=self.quarter_ids)

    def rank_moves(self) -> dict[str, tuple[moves.Move, ...]]:
        """Each scored unit's rank move in each quarter (rows of :meth:`ranks`, in its order), from
        the quarter each is compared with (:meth:`compared_with`)."""
        return moves.rank_moves(self.ranks(), [r.id for r in self.results])

    def ranks(self) -> pd.DataFrame:
        """Rank of every scored unit within its kind (rows: registry ids; columns: quarters; NA
        where it was not scored), town offices first, each kind in the order of its latest rank."""
        scored = self.scored()
        ranks = scored.pivot(index="unit_id", columns="quarter", values="rank").reindex(columns=self.quarter_ids)
        kinds = scored.drop_duplicates("unit_id", keep="last").set_index("unit_id")["kind"]
        latest = ranks.apply(lambda row: row.dropna().iloc[-1], axis=1)
        order = pd.DataFrame({"town": kinds.reindex(ranks.index) != schema.TOWN, "latest": latest})
        return ranks.loc[order.sort_values(["town", "latest"], kind="stable").index].astype("Int64")

    def rows_of(self, unit_id: str) -> pd.DataFrame:
        """A unit's rows in every quarter (by registry id, across renames), oldest first. Split once
        for all units (the unit pages and their charts ask for every unit's rows, twice): callers
        read them and never change them."""
        return self._rows.get(unit_id, self.units.iloc[0:0])

    @functools.cached_property
    def _rows(self) -> dict[str, pd.DataFrame]:
        return {str(unit_id): rows for unit_id, rows in self.units.groupby("unit_id", sort=False)}

    def kind_of(self, unit_id: str) -> str:
        return self._kinds[unit_id]

    @functools.cached_property
    def _kinds(self) -> dict[str, str]:
        """Each unit's kind in its latest row (a unit keeps its kind): found in one pass, since the
        comparison page asks for every unit's."""
        return dict(zip(self.units["unit_id"], self.units["kind"], strict=True))

    def below_full_marks(self, run: int = 2) -> list[tuple[str, tuple[str, ...]]]:
        """Units scoring below full marks in ``run`` or more consecutive quarters: (unit id, the
        quarters of its longest such run); a missing quarter ends a run (see :func:`full_marks.runs`)."""
        return full_marks.runs(self.score_matrix(), [r.id for r in self.results], self.format.score.full_marks, run)
