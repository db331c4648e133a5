"""Open fonts for the PDF: radical-free TrueType copies of Fandol (and fallbacks).

Why derived copies are needed (both were measured with this Chromium):

* Chromium's PDF backend (Skia) embeds only TrueType-outline fonts as real
  fonts; CFF-based OpenType fonts such as Fandol and Noto CJK come out as
  Type 3 glyph procedures without a font name.  Converting the outlines to
  quadratic TrueType once gives properly embedded, subset CIDFontType2 fonts
  (smaller PDFs, normal text rendering in every viewer).
* Skia writes each glyph's ToUnicode entry from the *lowest* code point that
  maps to it.  Fandol and Noto CJK map the Kangxi radicals (U+2F00–U+2FDF) and
  radical supplement (U+2E80–U+2EFF) to the same glyphs as 一 人 工 民 门 …, so
  text copied from the PDF would read ⼈ ⼯ ⼀.  Fandol also maps U+0000–U+001F
  to the space glyph, so spaces would read back as control characters.  The
  copies drop those code points from the cmap; nothing visible changes.

Converted fonts are cached (keyed by the source font's hash) because the
conversion takes about half a minute per font; ``make`` warms the cache once per machine with
``python -m hotline.document.fonts``. The Fandol fonts themselves are installed by the Makefile
into the virtual environment (``share/fonts/fandol``), from Debian's texlive-lang-chinese.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset as ft_subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

# Bump when the derivation changes so stale cache entries are not reused.
PIPELINE_VERSION = "1"

FANDOL_FILES = {
    "song": "FandolSong-Bold.otf",  # 小标宋-style title and 发文机关标志
    "fang": "FandolFang-Regular.otf",  # 仿宋: body, tables, 版记
    "hei": "FandolHei-Regular.otf",  # 黑体: 一、 headings, 附件1 labels, table heads
    "kai": "FandolKai-Regular.otf",  # 楷体: （一） leads
}

# Noto CJK faces used when a Fandol font lacks a character (fontconfig patterns).
FALLBACK_PATTERNS = {
    "song": "Noto Serif CJK SC:style=Bold",
    "fang": "Noto Serif CJK SC:style=Regular",
    "kai": "Noto Serif CJK SC:style=Regular",
    "hei": "Noto Sans CJK SC:style=Regular",
}
FALLBACK_FAMILIES = {
    "song": ("Noto Serif CJK SC", "serif"),
    "fang": ("Noto Serif CJK SC", "serif"),
    "kai": ("Noto Serif CJK SC", "serif"),
    "hei": ("Noto Sans CJK SC", "sans-serif"),
}

# Metric-compatible Times New Roman substitute (fonts-liberation2, SIL OFL).
LATIN_FILES = {"latin": "LiberationSerif-Regular.ttf", "latin_bold": "LiberationSerif-Bold.ttf"}
LATIN_SEARCH_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))

RADICAL_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
# Code points dropped from every derived cmap: radicals (see above) and the
# C0/C1 controls Fandol maps to the space glyph.
DROPPED_RANGES = (*RADICAL_RANGES, (0x0000, 0x001F), (0x007F, 0x009F))


@dataclass(frozen=True)
class PdfFonts:
    """Paths of the fonts the print HTML embeds, by role."""

    song: Path
    fang: Path
    hei: Path
    kai: Path
    latin: Path | None = None
    latin_bold: Path | None = None

    def by_role(self) -> dict[str, Path]:
        return {"song": self.song, "fang": self.fang, "hei": self.hei, "kai": self.kai}


def fonts_dir() -> Path:
    """Where the Makefile installs the Fandol fonts: the virtual environment's share/fonts/fandol."""
    return Path(os.environ.get("HOTLINE_FONTS") or Path(sys.prefix) / "share" / "fonts" / "fandol")


def default_cache_dir() -> Path:
    """The derived fonts, beside the installed ones, so the slow conversion happens once per machine."""
    return fonts_dir().parent / "derived"


def is_dropped(codepoint: int) -> bool:
    return any(lo <= codepoint <= hi for lo, hi in DROPPED_RANGES)


def _file_digest(path: Path, extra: str = "") -> str:
    digest = hashlib.sha256()
    digest.update(PIPELINE_VERSION.encode())
    digest.update(extra.encode("utf-8"))
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _clean_cmap(font: TTFont) -> None:
    """Keep only Unicode cmap subtables and drop radical and control code points."""
    cmap = font["cmap"]
    cmap.tables = [t for t in cmap.tables if t.isUnicode()]
    for table in cmap.tables:
        table.cmap = {cp: name for cp, name in table.cmap.items() if not is_dropped(cp)}


def _cff_to_truetype(font: TTFont) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (max error 1 unit)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxPoints",
        "maxContours",
        "maxCompositePoints",
        "maxCompositeContours",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp  # recalculated on save
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # glyph names are not needed for embedding
    font.sfntVersion = "\x00\x01\x00\x00"


def _write_atomically(font: TTFont, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def derive_font(source: Path, cache_dir: Path, *, font_number: int = 0) -> Path:
    """Radical-free TrueType copy of ``source`` in ``cache_dir`` (made once)."""
    target = cache_dir / f"{source.stem}-{font_number}-{_file_digest(source, str(font_number))}.ttf"
    if target.exists():
        return target
    font = TTFont(str(source), fontNumber=font_number)
    if "CFF " in font or "CFF2" in font:
        _cff_to_truetype(font)
    _clean_cmap(font)
    _write_atomically(font, target)
    return target


def _derive_job(args: tuple[str, str]) -> str:
    return str(derive_font(Path(args[0]), Path(args[1])))


def find_latin_font(name: str, fonts_dir: Path) -> Path | None:
    """Liberation Serif from ``fonts_dir`` or the system; None keeps Fandol's own Latin."""
    for folder in (fonts_dir, *LATIN_SEARCH_DIRS):
        if (folder / name).is_file():
            return folder / name
    return None


def prepare_pdf_fonts(fonts_dir: Path, cache_dir: Path | None = None) -> PdfFonts:
    """Derived copies of the four Fandol fonts (and Liberation Serif if present).

    Missing conversions run in parallel, one process per font, because each
    takes about 30 s; later calls only hash the sources.
    """
    fonts_dir = Path(fonts_dir)
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    sources: dict[str, Path] = {}
    for role, name in FANDOL_FILES.items():
        path = fonts_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"{name} not found in {fonts_dir} (see README: font extraction)")
        sources[role] = path
    for role, name in LATIN_FILES.items():
        found = find_latin_font(name, fonts_dir)
        if found:
            sources[role] = found
    jobs = {role: (str(path), str(cache_dir)) for role, path in sources.items()}
    results: dict[str, Path] = {}
    pending = {}
    for role, job in jobs.items():
        src = Path(job[0])
        candidate = cache_dir / f"{src.stem}-0-{_file_digest(src, '0')}.ttf"
        if candidate.exists():
            results[role] = candidate
        else:
            pending[role] = job
    if len(pending) > 1:
        with ProcessPoolExecutor(max_workers=min(len(pending), os.cpu_count() or 1)) as pool:
            for role, out in zip(pending, pool.map(_derive_job, pending.values()), strict=True):
                results[role] = Path(out)
    else:
        for role, job in pending.items():
            results[role] = Path(_derive_job(job))
    return PdfFonts(
        song=results["song"],
        fang=results["fang"],
        hei=results["hei"],
        kai=results["kai"],
        latin=results.get("latin"),
        latin_bold=results.get("latin_bold"),
    )


@lru_cache(maxsize=32)
def covered_codepoints(path: Path) -> frozenset[int]:
    """Code points a font maps (after derivation), for fallback decisions."""
    font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap())


def find_system_font(pattern: str) -> tuple[Path, int] | None:
    """File and collection index fontconfig picks for ``pattern`` (None if absent)."""
    if not shutil.which("fc-match"):
        return None
    out = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", pattern], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    if len(out) < 2 or not out[0]:
        return None
    return Path(out[0]), int(out[1] or 0)


def fallback_font(role: str, characters: str, cache_dir: Path | None = None) -> Path | None:
    """Subset of the role's Noto CJK face holding ``characters``, derived like Fandol.

    Used only for characters Fandol lacks (rare given names and the like), so
    the subset is tiny and fast to make.  Returns None if Noto CJK is absent.
    """
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    wanted = sorted({ord(c) for c in characters if not is_dropped(ord(c))})
    if not wanted:
        return None
    found = find_system_font(FALLBACK_PATTERNS[role])
    if found is None:
        return None
    source, index = found
    key = _file_digest(source, f"{index}:{role}:" + ",".join(map(str, wanted)))
    target = cache_dir / f"fallback-{role}-{key}.ttf"
    if target.exists():
        return target
    font = TTFont(str(source), fontNumber=index, lazy=True)
    options = ft_subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font = TTFont(_roundtrip(font))  # re-open eagerly before rewriting outlines
    if "CFF " in font or "CFF2" in font:
        _cff_to_truetype(font)
    _clean_cmap(font)
    _write_atomically(font, target)
    return target


def _roundtrip(font: TTFont):
    import io

    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


def main(argv: list[str]) -> int:
    """``python -m hotline.document.fonts [FONTS_DIR [CACHE_DIR]]``: warm the font cache."""
    fonts = prepare_pdf_fonts(Path(argv[0]) if argv else fonts_dir(), Path(argv[1]) if len(argv) > 1 else None)
    for role, path in {**fonts.by_role(), "latin": fonts.latin, "latin_bold": fonts.latin_bold}.items():
        print(f"{role}\t{path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
