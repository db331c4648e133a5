"""The staff command: ``python -m hotline.site [--data DIR] [--output DIR] [--rerun 2024Q1] [--demo]``.

It prints what was built, or, on bad data or a failed step, what to fix; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data.errors import DataError
from hotline.data.status import draft_quarters
from hotline.site import parallel
from hotline.site.build import PHASE_LABELS, build
from hotline.site.errors import BuildError
from hotline.site.keys import REPO
from hotline.site.lifetime import Stopped, owned_processes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="校验 data/ 并构建网站到 _build/html")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    parser.add_argument("--output", type=Path, help="网站输出文件夹（默认 _build/html；--demo 时为 _build/demo/html）")
    parser.add_argument(
        "--rerun", action="append", default=[], help="无论有无改动都重新运行这个季度（如 2024Q1）的笔记本"
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="内部预览：连同草稿一起构建到 _build/preview/html（每页标明“内部预览”，草稿标“草稿”），不得对外发布",
    )
    parser.add_argument(
        "--demo", action="store_true", help="在真实数据之外加上3个程序生成的示例季度（标注“示例数据”），只用于演示"
    )
    args = parser.parse_args(argv)
    try:
        data_dir = args.data
        if args.demo:
            from hotline.examples import generate as examples

            data_dir = REPO / "_build" / "demo" / "data"
            made = examples.generate(args.data, data_dir)
            print(f"示例季度已生成到 {data_dir}：{'、'.join(map(str, made))}（不写入 data/）")
        default = REPO / "_build" / ("demo/html" if args.demo else "preview/html" if args.preview else "html")
        result = build(data_dir, args.output or default, rerun=args.rerun, preview=args.preview)
    except (DataError, BuildError) as exc:
        print(f"构建失败，网站未更新。\n{exc}", file=sys.stderr)
        return 1

    if result.up_to_date:
        print(f"数据和代码都没有改动，网站已是最新：{result.output}（用时 {result.seconds:.1f} 秒）")
        return 0
    ran = "、".join(result.executed) or "无（全部取自缓存）"
    quarters = "、".join(result.quarters)
    print(f"网站已构建：{result.output}（季度：{quarters}；重新运行的笔记本：{ran}；用时 {result.seconds:.0f} 秒）")
    print("各步用时（秒）：" + "，".join(f"{PHASE_LABELS[name]} {sec:.1f}" for name, sec in result.phases.items()))
    drafts = [str(q) for q in draft_quarters(data_dir)]
    if drafts and not args.preview:
        print(f"草稿 {'、'.join(drafts)} 不在公开网站上（内部预览：make preview；印发：make issue Q={drafts[-1]}）")
    if args.preview:
        shown = result.output.relative_to(REPO) if result.output.is_relative_to(REPO) else result.output
        print(f"这是内部预览（含草稿），不得对外发布。查看：make serve SITE={shown}")
    else:
        print("本地查看：make serve，然后打开 http://127.0.0.1:8000/；发布到网站服务器：make publish")
    return 0


def run(argv: list[str] | None = None) -> int:
    """The command itself: the build owns every process it starts, and a stop signal (Ctrl-C,
    ``kill``) stops them all before it exits (see hotline.site.lifetime)."""
    try:
        with owned_processes():
            try:
                code = main(argv)
            except BaseException:
                parallel.close_warm_pools(wait=False)
                raise
            parallel.close_warm_pools()
            return code
    except Stopped as exc:
        print(f"构建被中止（{exc}），它启动的进程均已停止；网站未更新。", file=sys.stderr)
        return 128 + exc.signum


if __name__ == "__main__":
    sys.exit(run())
