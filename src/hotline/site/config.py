"""What the build reads from the book's ``_config.yml`` itself: where the site is published and how
it names itself, for the feed, the sitemap and the search page. One place: the same settings the
theme shows on every page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from hotline.site.errors import BuildError


@dataclass(frozen=True)
class SiteConfig:
    base_url: str
    site_name: str
    county: str

    @classmethod
    def load(cls, root: Path) -> SiteConfig:
        path = root / "_config.yml"
        try:
            config = yaml.safe_load(path.read_text(encoding="utf-8"))["sphinx"]["config"]
            options = config["html_theme_options"]
            return cls(str(config["html_baseurl"]), str(options["site_name"]), str(options.get("county", "")))
        except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
            raise BuildError(
                f"{path}：读不到网站设置（sphinx.config 中的 html_baseurl 或 html_theme_options）：{exc}"
            ) from None
