"""Publish the built site to the web server set in publish.toml, and verify it there, so that what
readers get is exactly the site `make site` built and checked (see hotline.site.deploy).

Usage:
  make publish
  .venv/bin/python scripts/publish_site.py [--config publish.toml] [--site _build/html]

Exit status: 0 when the site was published and verified where it went; 1 when anything was
refused or failed, with the reason in Chinese; the site already published then stays as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

from hotline.data import publish_log
from hotline.data.errors import DataError
from hotline.site import deploy
from hotline.site.errors import BuildError
from hotline.site.lifetime import Stopped, owned_processes

REPO = Path(__file__).resolve().parents[1]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a wrong option in Chinese and exits 1, like every other refusal."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"参数有误：{message}", file=sys.stderr)
        sys.exit(1)


def _check_log(data: Path) -> None:
    """The publish log can be read and appended to (a wrong --data, a read-only folder): found out
    before the site is swapped in, so a publish never goes unrecorded."""
    publish_log.read(data)
    if not data.is_dir() or not os.access(data, os.W_OK):
        raise DataError(data, "数据文件夹不存在或不能写入，发布记录无法写入：请检查 --data 和文件夹的权限")
    log = data / publish_log.PUBLISH_LOG_FILE
    if log.exists() and not os.access(log, os.W_OK):
        raise DataError(log, "发布记录文件不能写入：请检查它的权限")


def main(argv: list[str] | None = None, *, own: bool = False) -> int:
    """The command; with ``own`` (when it is the process, not called from another program) it owns
    the processes it starts: rsync and ssh end with it, however it ends."""
    parser = _Parser(description="把构建好的网站发布到 publish.toml 设定的位置，并在那里逐个核对文件")
    parser.add_argument("--config", type=Path, default=REPO / "publish.toml", help="发布设置文件（默认 publish.toml）")
    parser.add_argument("--site", type=Path, default=REPO / "_build" / "html", help="构建好的网站（默认 _build/html）")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹，发布记录写在其中（默认 data/）")
    args = parser.parse_args(argv)
    try:
        with owned_processes() if own else contextlib.nullcontext():
            _check_log(args.data)  # the log can be written: named before anything is published
            published = deploy.publish_site(args.site, args.config, say=print)
    except (BuildError, DataError) as exc:
        print(f"发布失败，原来的网站保持不变。\n{exc}", file=sys.stderr)
        return 1
    except Stopped as exc:
        print(f"发布被中止（{exc}）：原来的网站保持不变。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("发布被中止：原来的网站保持不变。", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback for staff: say what broke, for whoever maintains this
        print(f"发布失败（程序错误：{type(exc).__name__}: {exc}），原来的网站保持不变。", file=sys.stderr)
        return 1
    quarters = sorted(page.stem for page in (args.site / "quarters").glob("*.html"))
    try:
        entry = publish_log.append(args.data, dt.datetime.now().astimezone(), quarters, published.manifest_sha256)
    except (DataError, OSError) as exc:
        print(
            f"网站已发布到 {published.destination}（manifest.json 的 SHA-256：{published.manifest_sha256}），"
            f"但没能写入发布记录：{exc}。请把这两项告诉技术支持，补记发布记录。",
            file=sys.stderr,
        )
        return 1
    print(f"已发布到：{published.destination}")
    print(f"共 {published.files} 个文件，{deploy.size_text(published.size)}（{published.size} 字节）")
    print(f"manifest.json 的 SHA-256：{published.manifest_sha256}")
    print("每个文件都已在发布位置按 SHA256SUMS 核对无误（可在该文件夹中运行 sha256sum -c SHA256SUMS 复核）。")
    print(f"已记入发布记录 data/{publish_log.PUBLISH_LOG_FILE}（本条的哈希 {entry.hash[:16]}…），下次构建网站时公布；")
    print('请把 data/ 提交到版本库：git add data && git commit -m "发布网站"')
    return 0


if __name__ == "__main__":
    sys.exit(main(own=True))
