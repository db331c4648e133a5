"""A quarter's validated results, kept between builds: a quarter whose inputs have not changed is
not read, checked and computed again (most of a rebuild's data are the quarters nobody touched).

A quarter's results depend on its own files, the unit registry and the code (its key, see
:meth:`hotline.site.keys.Inputs.quarter_key`), and its validation also on how many corrections the
log holds for it (the count its provenance record must match) and where the data folder is (its
error messages name files). Results are kept under all of these; anything else a build checks
(the registry itself, the log, what spans quarters) is checked every time by
:meth:`hotline.rules.history.History.build`.
"""

from __future__ import annotations

import functools
import pickle
from collections import Counter
from pathlib import Path

from hotline.data.files import DataFolder
from hotline.data.provenance import read_corrections
from hotline.data.quarter_id import QuarterId
from hotline.rules.history import History
from hotline.rules.results import QuarterResult
from hotline.site import keys


def history(folder: DataFolder, inputs: keys.Inputs, cache: Path, *, drafts: bool = False) -> History:
    """The build's history, reusing the results of every quarter whose inputs are unchanged
    (``drafts``: the staff's preview, see :meth:`History.build`)."""
    logged = Counter(str(correction.quarter) for correction in read_corrections(folder))

    @functools.cache
    def saved(quarter: QuarterId) -> Path:
        name = str(quarter)
        key = keys.digest(
            [], inputs.quarter_key(name), f"corrections={logged[name]}", f"drafts={drafts}", str(folder.root)
        )
        return cache / f"{name}-{key}.pickle"

    def reuse(quarter: QuarterId) -> QuarterResult | None:
        try:
            return pickle.loads(saved(quarter).read_bytes())  # written by this build code (in its key)
        except Exception:  # not kept, or not whole: computed again
            return None

    built = History.build(folder, reuse, drafts=drafts)
    cache.mkdir(parents=True, exist_ok=True)
    wanted = {saved(result.id) for result in built.results}
    for path in cache.glob("*.pickle"):
        if path not in wanted:
            path.unlink()  # a quarter's older results: kept no longer than they can be used
    for result in built.results:
        if not saved(result.id).is_file():
            keys.write_whole(saved(result.id), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return built
