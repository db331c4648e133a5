"""What the build reads from the book's ``_config.yml`` itself, validated like any staff file:
where the site is published and how it names itself (the feed, the sitemap and the search page,
and the theme on every page).

``_config.yml`` is staff input too. Every value the site shows or links is checked here before the
build starts: addresses are ``http``/``https`` without a user name or password (a ``javascript:``
portal link would run when clicked), the favicon is a regular file inside the project's
``_static`` folder (``/etc/hostname`` would be published), and texts are one line without hidden
or direction characters. The optional identifiers of a government site (网站标识码, ICP and 公安
备案号, the contact phone and e-mail, the 找错 address) are checked against their forms. A problem is
a :class:`BuildError` naming the file, the line and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from hotline.data.errors import DataError
from hotline.data.files import decode, hidden_character, read_regular
from hotline.site.errors import BuildError

# The theme's options the pages show (theme.toml), each a line of text; the two addresses.
TEXT_OPTIONS = ("site_name", "site_subtitle", "county", "publisher", "contact", "hotline", "portal_name")
URL_OPTIONS = ("portal_url",)
TEXT_LIMIT = 200
_HOTLINE = re.compile(r"^[0-9-]{3,20}$")
# A government site's identifiers and contact (政府网站发展指引), shown in the footer only when set:
# each is checked against its form, so that a typing error is named rather than published.
SITE_CODE = re.compile(r"^[0-9A-Za-z]{10}$")  # 网站标识码: ten digits or letters
ICP_RECORD = re.compile(r"^[\u4e00-\u9fff]ICP备[0-9]{4,12}号(-[0-9]{1,3})?$")  # 陕ICP备12345678号-1
POLICE_RECORD = re.compile(r"^[\u4e00-\u9fff]公网安备 ?([0-9]{10,16})号$")  # 陕公网安备 61052702000001号
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
IDENTIFIERS = {
    "site_code": (SITE_CODE, "网站标识码应为10位数字或字母（政府网站标识码）"),
    "icp_record": (ICP_RECORD, "ICP备案号应写成“陕ICP备12345678号”或“陕ICP备12345678号-1”的样子"),
    "police_record": (POLICE_RECORD, "公安备案号应写成“陕公网安备 61052702000001号”的样子"),
    "contact_phone": (_HOTLINE, "联系电话只能由数字和“-”组成，如 0913-1234567"),
    "contact_email": (EMAIL, "电子邮箱应写成 name@example.gov.cn 的样子"),
}


@dataclass(frozen=True)
class SiteConfig:
    base_url: str
    site_name: str
    county: str

    @classmethod
    def load(cls, root: Path) -> SiteConfig:
        path = root / "_config.yml"
        try:
            text = decode(read_regular(path, root), path)
            settings = yaml.safe_load(text)
            config = settings["sphinx"]["config"]
            options = config["html_theme_options"]
        except DataError as exc:
            raise BuildError(str(exc)) from None
        except (KeyError, TypeError, yaml.YAMLError) as exc:
            raise BuildError(
                f"{path}：读不到网站设置（sphinx.config 中的 html_baseurl 或 html_theme_options）：{exc}"
            ) from None
        check = _Checker(path, text)
        for key in ("title", "author", "copyright"):
            if key in settings:
                check.text(key, settings[key])
        for key in TEXT_OPTIONS:
            if key in options:
                check.text(key, options[key])
        if "hotline" in options and not _HOTLINE.match(str(options["hotline"])):
            raise check.error("hotline", "热线号码只能由数字和“-”组成，如 12345")
        for key in URL_OPTIONS:
            if key in options:
                check.url(key, options[key])
        for key, (form, wanted) in IDENTIFIERS.items():
            if options.get(key) not in (None, ""):
                value = check.text(key, options[key])
                if not form.match(value):
                    raise check.error(key, f"“{value}”格式不对：{wanted}")
        if options.get("feedback_url") not in (None, ""):
            check.feedback("feedback_url", options["feedback_url"])
        base_url = check.url("html_baseurl", config.get("html_baseurl"))
        if "html_favicon" in config:
            check.favicon(root, config["html_favicon"])
        if "site_name" not in options:
            raise check.error("site_name", "须写明网站名称")
        return cls(base_url, str(options["site_name"]), str(options.get("county", "")))


class _Checker:
    """Named errors for one _config.yml: the line of a key is where it is first written."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def error(self, key: str, message: str) -> BuildError:
        line = next((n for n, t in enumerate(self.lines, start=1) if re.match(rf"^\s*{re.escape(key)}\s*:", t)), None)
        where = f"{self.path} 第{line}行「{key}」" if line else f"{self.path}「{key}」"
        return BuildError(f"网站设置有误：{where}：{message}")

    def text(self, key: str, value) -> str:
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.error(key, "应为一行文字")
        value = str(value)
        found = hidden_character(value)
        if found is not None or "\n" in value or "\t" in value:
            shown = f"U+{ord(found):04X}" if found else "换行或制表符"
            raise self.error(key, f"含有不可见的字符（{shown}）：应为一行文字，请删去")
        if not value.strip() or len(value) > TEXT_LIMIT:
            raise self.error(key, f"应为一行不超过{TEXT_LIMIT}字的文字")
        return value

    def url(self, key: str, value) -> str:
        value = self.text(key, value)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.error(key, f"“{value}”不是网址：只能写 http:// 或 https:// 开头的网址")
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise self.error(key, f"“{value}”的主机名前有“@”：网址中不能带用户名或密码（可能把读者引向别的网站）")
        if any(c in value for c in " <>\"'`\\{}|^"):
            raise self.error(key, f"“{value}”含有网址中不应出现的字符（空格、引号、尖括号等）")
        return value

    def feedback(self, key: str, value) -> str:
        """Where 找错 leads: a web address, or ``mailto:`` and one e-mail address (nothing after it:
        the page adds its own subject)."""
        value = self.text(key, value)
        if value.lower().startswith("mailto:"):
            if not EMAIL.match(value[len("mailto:") :]):
                raise self.error(key, f"“{value}”不对：mailto: 后应是一个电子邮箱，如 mailto:name@example.gov.cn")
            return value
        return self.url(key, value)

    def favicon(self, root: Path, value) -> None:
        value = self.text("html_favicon", value)
        if value.startswith("/") or ".." in Path(value).parts or not value.startswith("_static/"):
            raise self.error("html_favicon", f"“{value}”应是 _static 文件夹中的图标文件，如 _static/favicon.png")
        try:
            read_regular(root / value, root / "_static")
        except DataError as exc:
            raise self.error("html_favicon", exc.message) from None
