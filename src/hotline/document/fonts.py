"""The official document's open fonts: Fandol (Song Bold, FangSong, Hei, Kai; GPL with the font
exception), taken by the Makefile from Debian's texlive-lang-chinese into the virtual environment
(``share/fonts/fandol``), so that a PDF made here embeds fonts of the office fonts' styles.

Nothing is converted: LibreOffice embeds the OpenType (CFF) fonts as they are and writes each
character's own code point into the PDF's Unicode map, so the copies Chromium once needed (TrueType
outlines, the Kangxi radicals removed from the cmap) are gone. LibreOffice finds the fonts through
the fontconfig file :func:`hotline.document.pdf_writer.fontconfig` writes for its process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FANDOL_FILES = {
    "song": "FandolSong-Bold.otf",  # 小标宋-style title and 发文机关标志
    "fang": "FandolFang-Regular.otf",  # 仿宋: body, tables, 版记
    "hei": "FandolHei-Regular.otf",  # 黑体: 一、 headings, 附件1 labels, table heads
    "kai": "FandolKai-Regular.otf",  # 楷体: （一） leads
}


def fonts_dir() -> Path:
    """Where the Makefile installs the Fandol fonts: the virtual environment's share/fonts/fandol."""
    return Path(os.environ.get("HOTLINE_FONTS") or Path(sys.prefix) / "share" / "fonts" / "fandol")


def missing(folder: Path | None = None) -> list[str]:
    """The Fandol files not in ``folder``."""
    folder = folder or fonts_dir()
    return [name for name in FANDOL_FILES.values() if not (folder / name).is_file()]


def resolved(folder: Path | None = None) -> dict[str, str]:
    """The font file fontconfig gives each office font name under the project's fontconfig file,
    as LibreOffice will see it."""
    from hotline.document import layout as L
    from hotline.document.pdf_writer import fontconfig

    folder = folder or fonts_dir()
    with tempfile.TemporaryDirectory(prefix="fonts-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(fontconfig(folder), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        return {
            name: subprocess.run(
                ["fc-match", "-f", "%{file}", name], env=env, capture_output=True, text=True, check=False
            ).stdout
            for name in L.OPEN_FONTS
        }


def main(argv: list[str]) -> int:
    """``python -m hotline.document.fonts``: check that the office font names reach the open fonts
    (``make system`` runs it once the fonts are installed)."""
    folder = Path(argv[0]) if argv else fonts_dir()
    if lost := missing(folder):
        print(f"缺少公文字体：{', '.join(lost)}（{folder}）", file=sys.stderr)
        return 1
    if not shutil.which("fc-match"):
        print("找不到 fc-match（fontconfig）", file=sys.stderr)
        return 1
    for name, path in resolved(folder).items():
        print(f"{name}\t{path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
