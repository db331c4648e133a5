"""Publishing the built site to where the public reads it (``make publish``), set in ``publish.toml``.

A build ends with an exact site in ``_build/html``, listed in its own ``manifest.json`` and
``SHA256SUMS``; publishing must carry exactly that site to the web server and nothing else, and
must never leave readers a half-copied site, nor delete anything that is not ours:

- The site is checked against its own ``SHA256SUMS`` before anything is copied (every listed file,
  no unlisted file, no symlink that could lead outside it): a site changed or damaged after its
  build is refused, and staff are told to run ``make site``.
- To a folder: the site is copied into a temporary sibling of the destination, checked there again,
  and only then swapped in (:func:`hotline.site.publish.publish`, the build's own swap). Any failure
  removes the copy and leaves the old site as it was. A destination that holds something other than
  a site published here (no ``SHA256SUMS`` nor ``manifest.json``) is never replaced.
- To a server (``user@host:/path``): rsync over ssh into ``<path>.incoming``, then one ssh command
  runs ``sha256sum -c`` there and swaps the folders with ``mv``; the same refusals apply, checked on
  the server. Every remote path is quoted; rsync sends its paths through its own protocol (``-s``),
  never through the remote shell. ``HOTLINE_SSH`` and ``HOTLINE_RSYNC`` name other executables
  (the tests use a local stand-in for ssh; no network).
- ``publish.toml`` is staff input: every problem is named by file, line and key, in Chinese.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hotline.data.errors import DataError
from hotline.data.toml_file import TomlFile
from hotline.site import publish
from hotline.site.errors import BuildError
from hotline.site.keys import REPO
from hotline.site.lock import build_lock

CONFIG = REPO / "publish.toml"
SITE = REPO / "_build" / "html"
KEYS = {"destination", "ssh_port", "ssh_key"}
INCOMING_MARK = ".hotline-publish"  # marks a server's <path>.incoming as ours while rsync fills it
_CHUNK = 1 << 20


class DeployError(BuildError):
    """Publishing was refused or failed; the message says why and what to do (shown to staff as is),
    and the published site is as it was."""


# --- publish.toml ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Folder:
    """A folder on this machine (the web server's own, or one it serves from)."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class Server:
    """A folder on another machine, reached by ssh."""

    user: str | None
    host: str  # as ssh takes it (an IPv6 address without brackets)
    path: str  # absolute, normalized, never "/"
    port: int | None = None
    key: Path | None = None

    @property
    def login(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    def rsync_target(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user}@{host}:{path}" if self.user else f"{host}:{path}"

    def __str__(self) -> str:
        return self.rsync_target(self.path) + (f"（ssh 端口 {self.port}）" if self.port else "")


_REMOTE = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>\[[^\]/]*\]|[^@:/\[\]]+):(?P<path>.*)$")
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_IPV6 = re.compile(r"^\[[0-9A-Fa-f:.]+\]$")


def _invisible(text: str) -> bool:
    """Control characters, and format ones (zero-width, bidirectional overrides) that would make a
    path look other than it is."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text)


class _Settings:
    """publish.toml read as staff input: each problem names the file, the line and the key."""

    def __init__(self, path: Path):
        self.path = path
        if path.exists() and not path.is_file():  # a folder, a FIFO (which would wait forever), a device
            raise DeployError(f"发布设置有误：{path} 不是普通的文本文件")
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise DeployError(
                f"找不到发布设置文件 {path}：请在项目文件夹中建立 publish.toml，写明 destination（网站发布到哪里）"
            ) from None
        except UnicodeDecodeError:
            raise DeployError(f"发布设置有误：{path} 不是 UTF-8 编码的文本：请用 UTF-8 保存") from None
        except OSError as exc:
            raise DeployError(f"读不了发布设置文件 {path}：{exc.strerror or exc}") from None
        try:
            self.toml = TomlFile(path, text)
            self.toml.check_keys("", KEYS)
        except DataError as exc:
            raise self._from(exc) from None

    def _from(self, exc: DataError) -> DeployError:
        return DeployError(f"发布设置有误：{exc.where}：{exc.message}")

    def error(self, key: str, message: str) -> DeployError:
        return self._from(self.toml.error(key, message))

    def get(self, key: str, kind: type, *, optional: bool = False):
        try:
            return self.toml.get(key, kind, optional=optional)
        except DataError as exc:
            raise self._from(exc) from None

    def text(self, key: str, *, optional: bool = False) -> str | None:
        value = self.get(key, str, optional=optional)
        if value is None:
            return None
        if _invisible(value):
            raise self.error(key, "含有控制字符（如换行、制表符或看不见的格式字符）：请只写路径本身")
        if not value.strip():
            raise self.error(key, "是空的：请写上路径")
        if value != value.strip():
            raise self.error(key, f"“{value}”前后有空格：请删去")
        return value


def load_settings(config: Path = CONFIG, site: Path = SITE, repo: Path = REPO) -> Folder | Server:
    """Where the site goes, from ``config``; a relative folder is relative to the folder of the
    config file (the project's, for the real one)."""
    settings = _Settings(Path(config))
    destination = settings.text("destination")
    assert destination is not None
    base = Path(config).resolve().parent
    if _REMOTE.match(destination) and not destination.startswith(("/", "./", "../", "~")):
        return _server(settings, destination, base)
    for key in ("ssh_port", "ssh_key"):
        if settings.toml.has(key):
            raise settings.error(
                key, "只用于发布到远程服务器（destination 写成 user@host:/path 时）；发布到本机文件夹时请删去这一项"
            )
    return Folder(_folder(settings, destination, base, Path(site), Path(repo)))


def _folder(settings: _Settings, written: str, base: Path, site: Path, repo: Path) -> Path:
    path = Path(os.path.abspath(base / Path(written).expanduser()))
    real = path.parent.resolve() / path.name if path.name else path
    repo, site = repo.resolve(), site.resolve()
    protected = [
        (repo / "data", "数据文件夹 data/"),
        (site, f"构建好的网站 {site}"),
        (repo / "_build" / "html", "构建好的网站 _build/html"),
    ]
    if real == Path(real.anchor):
        raise settings.error("destination", f"“{written}”是根目录：发布会替换整个文件夹，请写网站专用的文件夹")
    if real == repo or real in repo.parents:
        raise settings.error(
            "destination",
            f"“{written}”是项目文件夹{'本身' if real == repo else '的上级'}：请写网站专用的文件夹，如 _build/webroot",
        )
    if real.parent == site.parent and real.name.startswith(
        (site.name + ".", f".publish-{site.name}", f".work-{site.name}")
    ):
        raise settings.error("destination", f"“{written}”是构建网站时使用的文件夹：请写另一个文件夹，如 _build/webroot")
    for folder, name in protected:
        if real == folder or folder in real.parents:
            raise settings.error("destination", f"“{written}”在{name}之内：请写另一个文件夹，如 _build/webroot")
        if real in folder.parents:
            raise settings.error("destination", f"“{written}”包含{name}：发布会替换它，请写另一个文件夹")
    return real


def _server(settings: _Settings, written: str, base: Path) -> Server:
    match = _REMOTE.match(written)
    assert match is not None
    user, host, path = match.group("user"), match.group("host"), match.group("path")
    form = "远程服务器请写成 user@host:/path，如 webadmin@www.baishui.gov.cn:/srv/www/12345"
    if user is not None and not _USER.match(user):
        raise settings.error("destination", f"用户名“{user}”不对：只能有字母、数字和 . _ -，且不以 - 开头；{form}")
    if not (_HOST.match(host) or _IPV6.match(host)):
        raise settings.error("destination", f"服务器地址“{host}”不对：只能有字母、数字、. 和 -；{form}")
    if not path.startswith("/"):
        raise settings.error(
            "destination",
            f"服务器上的路径“{path}”应以 / 开头（绝对路径）；{form}。本机文件夹的名称里有冒号时，请在前面加 ./",
        )
    cleaned = path.rstrip("/")
    parts = cleaned.split("/")[1:]
    if not cleaned:
        raise settings.error("destination", "服务器上的路径不能是根目录 /：请写网站专用的文件夹")
    if any(part in ("", ".", "..") for part in parts):
        raise settings.error("destination", f"服务器上的路径“{path}”含有 //、. 或 ..：请写完整的绝对路径")
    port = settings.get("ssh_port", int, optional=True)
    if port is not None and not 1 <= port <= 65535:
        raise settings.error("ssh_port", f"端口“{port}”应在 1 到 65535 之间（ssh 默认 22）")
    key_text = settings.text("ssh_key", optional=True)
    key = None
    if key_text is not None:
        key = Path(os.path.abspath(base / Path(key_text).expanduser()))
        if not key.is_file():
            raise settings.error("ssh_key", f"找不到私钥文件“{key_text}”（{key}）")
    return Server(user, host.strip("[]"), posixpath.normpath(cleaned), port, key)


# --- the built site, checked against itself -------------------------------------------------------


@dataclass(frozen=True)
class SiteSummary:
    files: int  # every file, manifest.json and SHA256SUMS included
    size: int  # bytes
    manifest_sha256: str


@dataclass(frozen=True)
class Published:
    destination: str
    files: int
    size: int
    manifest_sha256: str


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _listed(site: Path, again: str = "") -> dict[str, str]:
    """SHA256SUMS as {name: sha256}; a name that could point outside the site is refused."""
    sums = site / publish.SUMS
    listed: dict[str, str] = {}
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        name = match.group(2) if match else ""
        parts = name.split("/")
        if not match or name.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in name:
            raise DeployError(f"{sums} 第{number}行格式不对：{line[:80]}。{again}")
        if name in listed or name in (publish.MANIFEST, publish.SUMS):
            raise DeployError(f"{sums} 第{number}行重复列出了 {name}。{again}")
        listed[name] = match.group(1)
    return listed


def _walk(site: Path) -> tuple[set[str], list[str]]:
    """The site's files by name, and whatever is not a plain file or folder (symlinks above all:
    publishing follows none, so nothing outside the site can be carried along)."""
    files, odd = set(), []
    todo = [site]
    while todo:
        folder = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = Path(entry.path).relative_to(site).as_posix()
                if entry.is_symlink():
                    odd.append(name)
                elif entry.is_dir(follow_symlinks=False):
                    todo.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files.add(name)
                else:
                    odd.append(name)
    return files, odd


def _listing(names: list[str], limit: int = 10) -> str:
    shown = "\n".join(f"  {name}" for name in names[:limit])
    return shown + (f"\n  ……共{len(names)}个" if len(names) > limit else "")


def verify_site(site: Path, *, again: str = "请运行 make site 重新构建网站，再发布") -> SiteSummary:
    """Check a site against its own SHA256SUMS and manifest.json: every listed file present with its
    hash, nothing unlisted but those two, no symlink, and the two lists agreeing."""
    site = Path(site)
    if not site.is_dir():
        raise DeployError(f"没有找到构建好的网站 {site}：请先运行 make site")
    try:
        missing = [name for name in (publish.SUMS, publish.MANIFEST) if not (site / name).is_file()]
        if missing:
            raise DeployError(f"网站 {site} 不完整，缺少 {'、'.join(missing)}：{again}")
        files, odd = _walk(site)
        if odd:
            raise DeployError(
                f"网站 {site} 中有符号链接或特殊文件，发布不会跟随它们：\n{_listing(sorted(odd))}\n{again}"
            )
        listed = _listed(site, again)
        problems = []
        unlisted = sorted(files - set(listed) - {publish.SUMS, publish.MANIFEST})
        if unlisted:
            problems.append(f"SHA256SUMS 中没有列出的文件：\n{_listing(unlisted)}")
        absent = sorted(set(listed) - files)
        if absent:
            problems.append(f"SHA256SUMS 列出、但不存在的文件：\n{_listing(absent)}")
        size, changed = 0, []
        for name in sorted(set(listed) & files):
            path = site / name
            size += path.stat().st_size
            if _sha256(path) != listed[name]:
                changed.append(name)
        if changed:
            problems.append(f"内容与 SHA256SUMS 不符的文件：\n{_listing(changed)}")
        manifest_bytes = (site / publish.MANIFEST).read_bytes()
        try:
            manifest = json.loads(manifest_bytes)["files"]
            agrees = {name: entry["sha256"] for name, entry in manifest.items()} == listed
        except (ValueError, KeyError, TypeError, AttributeError):
            agrees = False
        if not agrees:
            problems.append("manifest.json 与 SHA256SUMS 列出的文件不一致")
        kind = publish.site_kind(manifest_bytes)
        if kind != publish.PUBLIC:
            raise DeployError(
                f"网站 {site} 是{publish.KIND_ZH.get(kind, kind)}，不是公开网站，不能发布到网站服务器："
                "请发布 make site 构建的 _build/html"
            )
        if problems:
            raise DeployError(
                f"网站 {site} 与它自己的 SHA256SUMS 不符，不能发布：\n" + "\n".join(problems) + f"\n{again}"
            )
        size += len(manifest_bytes) + (site / publish.SUMS).stat().st_size
    except OSError as exc:
        raise DeployError(f"读不了网站 {site} 的文件 {exc.filename or ''}：{exc.strerror or exc}") from None
    return SiteSummary(len(listed) + 2, size, hashlib.sha256(manifest_bytes).hexdigest())


def _ours(folder: Path) -> bool:
    """Absent, an empty folder, or a site published here (it has our SHA256SUMS or manifest.json)."""
    if folder.is_symlink():
        return False
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    return (folder / publish.SUMS).is_file() or (folder / publish.MANIFEST).is_file() or not any(folder.iterdir())


# --- to a folder ------------------------------------------------------------------------------------


def copy_file(source: Path, target: Path) -> None:
    """One file of the site, with its time (so a web server's ETag stays the same for a file that
    did not change) and readable by the web server whatever the umask."""
    shutil.copy2(source, target, follow_symlinks=False)
    os.chmod(target, 0o644)


def to_folder(site: Path, summary: SiteSummary, destination: Path, say: Callable[[str], None] = print) -> None:
    """Copy ``site`` next to ``destination``, check the copy, then swap it in."""
    previous = destination.with_name(destination.name + ".previous")
    if destination.is_symlink():
        raise DeployError(f"{destination} 是符号链接：请在 publish.toml 中写它指向的真实文件夹")
    if destination.exists() and not destination.is_dir():
        raise DeployError(f"{destination} 已存在，但不是文件夹：请在 publish.toml 中换一个位置")
    for folder in (destination, previous):
        if not _ours(folder):
            raise DeployError(
                f"{folder} 里已有其他内容，不是本程序发布的网站（没有 SHA256SUMS 或 manifest.json）："
                "为免删除别人的文件，不会替换它。请在 publish.toml 中换一个文件夹，或确认无用后自行清空它"
            )
    staged = None
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        say(f"复制到 {destination.parent} 并核对 ……")
        staged = Path(tempfile.mkdtemp(prefix=f".{destination.name}.incoming-", dir=destination.parent))
        names = [*sorted(_listed(site)), publish.MANIFEST, publish.SUMS]
        for name in names:
            target = staged / name
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_file(site / name, target)
        for folder in [staged, *(p for p in staged.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)
        copied = verify_site(staged, again="复制出错，请重新运行 make publish")
        if copied.manifest_sha256 != summary.manifest_sha256:
            raise DeployError(f"复制到 {destination.parent} 的网站与构建好的不同：请重新运行 make publish")
        publish.publish(staged, destination)
    except DeployError:
        raise
    except OSError as exc:
        reason = {13: "没有权限", 28: "磁盘已满", 30: "文件系统只读"}.get(exc.errno or 0, exc.strerror or str(exc))
        raise DeployError(
            f"复制网站到 {destination.parent} 失败：{exc.filename or ''}：{reason}。原来的网站保持不变"
        ) from None
    except BuildError as exc:  # the swap's own error, which names the destination
        raise DeployError(str(exc)) from None
    finally:
        if staged is not None and staged.exists():
            shutil.rmtree(staged, ignore_errors=True)


# --- to a server ------------------------------------------------------------------------------------

# Run by the server's ``sh``. A folder is ours when absent, empty, or holding our site's lists (the
# incoming one also when it holds the mark put there before rsync fills it).
_OURS = """ours() {
  if [ -L "$1" ]; then return 1; fi
  if [ ! -e "$1" ]; then return 0; fi
  [ -d "$1" ] || return 1
  [ -f "$1/SHA256SUMS" ] || [ -f "$1/manifest.json" ] || { [ -n "$2" ] && [ -f "$1/$2" ]; } || [ -z "$(ls -A "$1")" ]
}
"""

# Before rsync: the three folders are ours (or absent), and the incoming one is marked as ours.
_PREPARE = """d={dest}; i={incoming}; p={previous}
[ -d {parent} ] || exit 20
ours "$d" || exit 21
ours "$p" || exit 22
ours "$i" {mark} || exit 23
mkdir -p "$i" && : > "$i"/{mark} || exit 24
"""

# After rsync: the upload is exactly the site (sha256sum -c, no other file, the manifest the one
# checked here), then the swap: the old site is kept as <path>.previous until the new is in place.
_SWAP = """d={dest}; i={incoming}; p={previous}
cd "$i" || exit 30
rm -f {mark}
sha256sum -c --quiet SHA256SUMS || exit 31
[ "$(sha256sum manifest.json | cut -c1-64)" = {manifest} ] || exit 32
listed=$(sed -e 's/^[0-9a-f]\\{{64\\}}  //' SHA256SUMS | LC_ALL=C sort)
present=$(find . -type f ! -path ./SHA256SUMS ! -path ./manifest.json | sed -e 's|^\\./||' | LC_ALL=C sort)
[ "$listed" = "$present" ] || exit 32
[ -z "$(find . ! -type f ! -type d)" ] || exit 32
cd / || exit 30
ours "$d" || exit 21
ours "$p" || exit 22
if [ -e "$p" ]; then
  if [ -e "$d" ]; then rm -rf -- "$p" || exit 33; else mv -T -- "$p" "$d" || exit 33; fi
fi
if [ -e "$d" ]; then mv -T -- "$d" "$p" || exit 34; fi
if ! mv -T -- "$i" "$d"; then
  if [ -e "$p" ] && [ ! -e "$d" ]; then mv -T -- "$p" "$d"; fi
  exit 35
fi
rm -rf -- "$p"
"""


def _executable(variable: str, default: str) -> str:
    name = os.environ.get(variable) or default
    found = shutil.which(name)
    if found is None:
        raise DeployError(
            f"找不到 {name}：发布到服务器需要 rsync 和 ssh"
            "（Debian 的 rsync、openssh-client 软件包，make test 会安装它们）"
        )
    return found


def _ssh_options(server: Server) -> list[str]:
    options = ["-o", "ConnectTimeout=20"]
    if server.port:
        options += ["-p", str(server.port)]
    if server.key:
        options += ["-i", str(server.key), "-o", "IdentitiesOnly=yes"]
    return options


def _tail(text: str, lines: int = 8) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return ("\n" + "\n".join(f"  {line}" for line in kept)) if kept else ""


def _remote(ssh: str, server: Server, script: str) -> subprocess.CompletedProcess:
    command = "sh -c " + shlex.quote(_OURS + script)
    return subprocess.run(
        [ssh, *_ssh_options(server), server.login, command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )


def to_server(site: Path, summary: SiteSummary, server: Server, say: Callable[[str], None]) -> None:
    """rsync into ``<path>.incoming`` on the server, then check it there and swap it in."""
    ssh, rsync = _executable("HOTLINE_SSH", "ssh"), _executable("HOTLINE_RSYNC", "rsync")
    dest, incoming, previous = server.path, server.path + ".incoming", server.path + ".previous"
    quoted = {
        "dest": shlex.quote(dest),
        "incoming": shlex.quote(incoming),
        "previous": shlex.quote(previous),
        "parent": shlex.quote(posixpath.dirname(dest)),
        "mark": shlex.quote(INCOMING_MARK),
        "manifest": shlex.quote(summary.manifest_sha256),
    }
    where = f"服务器 {server.login} 上的"
    refused = (
        "里已有其他内容，不是本程序发布的网站（没有 SHA256SUMS 或 manifest.json）："
        "为免删除别人的文件，不会替换它。请在 publish.toml 中换一个位置，或确认无用后自行清空它"
    )
    meanings = {
        20: f"{where}文件夹 {posixpath.dirname(dest)} 不存在：请先在服务器上建好它，或改正 publish.toml 的 destination",
        21: f"{where} {dest} {refused}",
        22: f"{where} {previous} {refused}",
        23: f"{where} {incoming} {refused}",
        24: f"无法在{where}建立 {incoming}（权限？）",
        30: f"{where} {incoming} 不见了：可能另一次发布同时在进行，请稍后重试",
        31: f"上传到{where}网站没有通过 sha256sum -c 核对（传输出错？）：请重新运行 make publish",
        32: f"上传到{where}网站与构建好的不同（多了或少了文件）：请重新运行 make publish",
        33: f"{where} {previous} 无法整理（权限？）",
        34: f"{where}原来的网站无法移开（权限？）",
        35: f"新网站无法放到{where} {dest}（权限？）",
    }

    def check(done: subprocess.CompletedProcess, step: str) -> None:
        if done.returncode == 0:
            return
        if done.returncode in meanings:
            message = meanings[done.returncode]
        elif done.returncode == 255:
            message = (
                f"无法用 ssh 连接 {server.login}"
                f"{'（端口 ' + str(server.port) + '）' if server.port else ''}："
                "请确认服务器地址、端口、用户名和密钥（publish.toml），以及本机能否连上它"
            )
        else:
            message = f"{step}失败（退出码 {done.returncode}）"
        raise DeployError(f"{message}。服务器上原来的网站保持不变。{_tail(done.stderr + done.stdout)}")

    say(f"检查服务器上的目标文件夹：{server}")
    check(_remote(ssh, server, _PREPARE.format(**quoted)), "检查服务器上的文件夹")
    say(f"用 rsync 上传到 {server.rsync_target(incoming)} ……")
    uploaded = subprocess.run(
        [
            rsync,
            "-a",
            "--delete",
            "--checksum",
            "-s",  # paths go through rsync's protocol, never through the server's shell
            "--chmod=D755,F644",
            f"--exclude=/{INCOMING_MARK}",  # excluded, so --delete keeps the mark
            "-e",
            shlex.join([ssh, *_ssh_options(server)]),
            f"{site}/",
            server.rsync_target(incoming + "/"),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    if uploaded.returncode == 255:
        check(uploaded, "rsync 上传")
    if uploaded.returncode != 0:
        raise DeployError(
            f"rsync 上传到 {server.rsync_target(incoming)} 失败（退出码 {uploaded.returncode}）。"
            f"服务器上原来的网站保持不变，下次发布会接着上传。{_tail(uploaded.stderr + uploaded.stdout)}"
        )
    say("在服务器上核对（sha256sum -c SHA256SUMS）并替换网站 ……")
    check(_remote(ssh, server, _SWAP.format(**quoted)), "在服务器上核对并替换网站")


# --- the command ------------------------------------------------------------------------------------


def publish_site(
    site: Path = SITE, config: Path = CONFIG, *, repo: Path = REPO, say: Callable[[str], None] = print
) -> Published:
    """Publish ``site`` where ``config`` says; refused before anything is copied when the settings
    or the site are not right. One build or publish of the site at a time (the build's lock)."""
    site = Path(site).resolve()
    destination = load_settings(config, site, repo)
    if not site.is_dir():
        raise DeployError(f"没有找到构建好的网站 {site}：请先运行 make site")
    with build_lock(site.parent, site.name):
        say(f"核对构建好的网站 {site} ……")
        summary = verify_site(site)
        if isinstance(destination, Folder):
            to_folder(site, summary, destination.path, say)
        else:
            to_server(site, summary, destination, say)
    return Published(str(destination), summary.files, summary.size, summary.manifest_sha256)


def size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.1f} KB"
    return f"{size} 字节"
