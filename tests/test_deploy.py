"""Publishing the built site (``make publish``: scripts/publish_site.py, hotline.site.deploy) and
serving it with the shipped nginx configuration (deploy/nginx.conf), as the web server will.

The site is always published from a copy of the session's site (publishing takes the build's lock
beside the site, and two workers must not wait for each other). The ssh mode runs real rsync with a
local stand-in for ssh that ignores the host: no network. nginx is Debian's, started here on
127.0.0.1 and stopped when the session ends; Chromium loads the pages from it with the real headers.
"""

from __future__ import annotations

import base64
import errno
import gzip
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hotline.site import deploy, publish

from .conftest import REPO, scroll_to_every_image

SCRIPT = REPO / "scripts" / "publish_site.py"
NGINX_CONF = REPO / "deploy" / "nginx.conf"
PREFIX = "/12345/"


def _quiet(_message: str) -> None:
    pass


def _site_copy(site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "built" / "html"
    shutil.copytree(site, copy)
    return copy


def _config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "publish.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _tree(folder: Path) -> dict[str, str]:
    """Every file under a folder with its SHA-256: a snapshot to compare before and after."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".html.lock"  # the build's lock, taken while publishing
    }


def _run(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    """The staff command, as `make publish` runs it, its publish log written into a folder of its
    own (never the project's data/)."""
    data = ["--data", tempfile.mkdtemp(prefix="publish-log-")] if "--data" not in args else []
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args), *data],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def _sums_pass(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)


# --- publish.toml -----------------------------------------------------------------------------------


def test_the_shipped_settings_publish_to_a_folder_in_the_project():
    assert deploy.load_settings(REPO / "publish.toml") == deploy.Folder(REPO / "_build" / "webroot")


def test_a_server_destination_is_read_with_its_port_and_key(tmp_path):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "id_publish").write_text("key", encoding="utf-8")
    config = _config(
        tmp_path,
        'destination = "webadmin@[::1]:/srv/www/12345/"\nssh_port = 2222\nssh_key = "keys/id_publish"\n',
    )
    server = deploy.load_settings(config)
    assert server == deploy.Server("webadmin", "::1", "/srv/www/12345", 2222, tmp_path / "keys" / "id_publish")
    assert server.rsync_target(server.path) == "webadmin@[::1]:/srv/www/12345"


BAD_SETTINGS = [
    # (what is written after a comment line, the line named, the key named, what the message says: a pattern)
    ('destination = ""', 2, "destination", "是空的"),
    ('destination = "   "', 2, "destination", "是空的"),
    ('destination = " /srv/www/12345"', 2, "destination", "前后有空格"),
    ('destination = "/srv/www\\n12345"', 2, "destination", "控制字符"),
    ('destination = "/srv/www\\t12345"', 2, "destination", "控制字符"),
    ('destination = "/srv/www/\\u0007bell"', 2, "destination", "控制字符|不可见的字符"),
    ('destination = "/srv/www/\\u202e54321"', 2, "destination", "控制字符|不可见的字符"),  # right-to-left override
    ("destination = 12345", 2, "destination", "应为文字"),
    ("destination = /srv/www/12345", 2, None, "TOML 格式错误"),
    ('destinaton = "/srv/www/12345"', 2, "destinaton", "未知的项"),
    ('destination = "/srv/www/12345"\nssh_user = "web"', 3, "ssh_user", "未知的项"),
    ("# only a comment", None, "destination", "缺少必填项"),
    ('destination = "/"', 2, "destination", "根目录"),
    ('destination = "{repo}"', 2, "destination", "项目文件夹本身"),
    ('destination = "{repo}/.."', 2, "destination", "项目文件夹的上级"),
    ('destination = "{repo}/data"', 2, "destination", "数据文件夹 data/"),
    ('destination = "{repo}/data/quarters/2024Q1"', 2, "destination", "数据文件夹 data/"),
    ('destination = "{repo}/_build/html"', 2, "destination", "_build/html"),
    ('destination = "{repo}/_build/html/www"', 2, "destination", "之内"),
    ('destination = "{repo}/_build"', 2, "destination", "包含构建好的网站"),
    ('destination = "{repo}/_build/html.previous"', 2, "destination", "构建网站时使用的文件夹"),
    ('destination = "/srv/www/12345"\nssh_port = 22', 3, "ssh_port", "只用于发布到远程服务器"),
    ('destination = "/srv/www/12345"\nssh_key = "id"', 3, "ssh_key", "只用于发布到远程服务器"),
    ('destination = "web@www.baishui.gov.cn:srv/www"', 2, "destination", "应以 / 开头"),
    ('destination = "web@www.baishui.gov.cn:/"', 2, "destination", "根目录"),
    ('destination = "web@www.baishui.gov.cn:/srv/../etc"', 2, "destination", "含有 //、. 或 .."),
    ('destination = "web@-oProxyCommand=touch:/srv/www"', 2, "destination", "服务器地址"),
    ('destination = "-oProxyCommand=x@host:/srv/www"', 2, "destination", "用户名"),
    ('destination = "web@host name:/srv/www"', 2, "destination", "服务器地址"),
    ('destination = "web@host:/srv/www"\nssh_port = 70000', 3, "ssh_port", "1 到 65535"),
    ('destination = "web@host:/srv/www"\nssh_port = "22"', 3, "ssh_port", "应为整数"),
    ('destination = "web@host:/srv/www"\nssh_port = true', 3, "ssh_port", "应为整数"),
    ('destination = "web@host:/srv/www"\n\nssh_key = "no-such-key"', 4, "ssh_key", "找不到私钥文件"),
]


@pytest.mark.parametrize(("written", "line", "key", "says"), BAD_SETTINGS)
def test_bad_settings_are_named_by_file_line_and_key(tmp_path, written, line, key, says):
    config = _config(tmp_path, "# 网站发布设置\n" + written.replace("{repo}", REPO.as_posix()) + "\n")
    with pytest.raises(deploy.DeployError) as refused:
        deploy.load_settings(config)
    message = str(refused.value)
    assert message.startswith("发布设置有误：") and "publish.toml" in message, message
    if line is not None:
        assert f"第{line}行" in message, message
    if key is not None:
        assert f"「{key}」项" in message, message
    assert re.search(says, message), message


def test_the_command_reports_bad_settings_in_chinese_without_a_traceback(tmp_path):
    config = _config(tmp_path, 'destination = "web@host:/srv/www"\nssh_port = 0\n')
    done = _run("--config", config, "--site", tmp_path / "no-site")
    assert done.returncode == 1
    assert "发布失败，原来的网站保持不变" in done.stderr and "第2行「ssh_port」项" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    missing = _run("--config", tmp_path / "nothing.toml")
    assert missing.returncode == 1 and "找不到发布设置文件" in missing.stderr
    folder = _run("--config", tmp_path)
    assert folder.returncode == 1 and "不是普通的文本文件" in folder.stderr
    wrong = _run("--no-such-option")
    assert wrong.returncode == 1 and "参数有误" in wrong.stderr


# --- to a folder --------------------------------------------------------------------------------------


@pytest.mark.site
def test_publishing_to_a_folder_copies_the_exact_site_and_a_second_publish_replaces_it(site, tmp_path):
    copy = _site_copy(site, tmp_path)
    config = _config(tmp_path / "conf", 'destination = "../www/12345"\n')  # relative to publish.toml
    destination = tmp_path / "www" / "12345"
    done = _run("--config", config, "--site", copy)
    assert done.returncode == 0, done.stderr
    assert _tree(destination) == _tree(site)
    checked = _sums_pass(destination)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert oct(destination.stat().st_mode & 0o777) == "0o755"
    assert oct((destination / "index.html").stat().st_mode & 0o777) == "0o644"
    listed = len((site / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    manifest = hashlib.sha256((site / "manifest.json").read_bytes()).hexdigest()
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert f"已发布到：{destination}" in done.stdout
    assert f"共 {listed + 2} 个文件" in done.stdout and f"（{size} 字节）" in done.stdout
    assert f"manifest.json 的 SHA-256：{manifest}" in done.stdout

    (destination / "left-over.html").write_text("上一次发布之后多出来的文件", encoding="utf-8")
    again = _run("--config", config, "--site", copy)
    assert again.returncode == 0, again.stderr
    assert _tree(destination) == _tree(site)  # the extra file is gone: the tree is exactly the site
    assert sorted(p.name for p in (tmp_path / "www").iterdir()) == ["12345"]  # no .previous, no temporary copy


def _tamper_changed(copy: Path) -> None:
    page = copy / "index.html"
    page.write_bytes(page.read_bytes().replace("通报".encode(), "通告".encode(), 1))


def _tamper_unlisted(copy: Path) -> None:
    (copy / "quarters" / "2023Q4.html").write_text("<p>不属于这次构建</p>", encoding="utf-8")


def _tamper_missing(copy: Path) -> None:
    (copy / "feed.xml").unlink()


def _tamper_symlink(copy: Path) -> None:
    (copy / "passwd.html").symlink_to("/etc/passwd")


def _tamper_linked_folder(copy: Path) -> None:
    outside = copy.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("网站之外", encoding="utf-8")
    (copy / "more").symlink_to(outside, target_is_directory=True)


def _tamper_sums(copy: Path) -> None:
    sums = copy / "SHA256SUMS"
    sums.write_text(sums.read_text(encoding="utf-8") + f"{'0' * 64}  ../outside.txt\n", encoding="utf-8")


@pytest.mark.site
@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (_tamper_changed, "内容与 SHA256SUMS 不符的文件：\n  index.html"),
        (_tamper_unlisted, "SHA256SUMS 中没有列出的文件：\n  quarters/2023Q4.html"),
        (_tamper_missing, "SHA256SUMS 列出、但不存在的文件：\n  feed.xml"),
        (_tamper_symlink, "符号链接或特殊文件"),
        (_tamper_linked_folder, "符号链接或特殊文件"),
        (_tamper_sums, "格式不对"),
    ],
    ids=["changed", "unlisted", "missing", "symlink", "linked-folder", "sums-outside"],
)
def test_a_site_that_fails_its_own_sums_is_refused_and_the_published_one_untouched(site, tmp_path, tamper, says):
    copy = _site_copy(site, tmp_path)
    config = _config(tmp_path, 'destination = "www"\n')
    deploy.publish_site(copy, config, say=_quiet)
    before = _tree(tmp_path / "www")
    tamper(copy)
    done = _run("--config", config, "--site", copy)
    assert done.returncode == 1
    assert says in done.stderr and "make site" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert _tree(tmp_path / "www") == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".www", "www"))) == ["www"]


def test_a_missing_site_is_refused_with_what_to_run(tmp_path):
    config = _config(tmp_path, 'destination = "www"\n')
    done = _run("--config", config, "--site", tmp_path / "_build" / "html")
    assert done.returncode == 1 and "请先运行 make site" in done.stderr, done.stderr
    assert not (tmp_path / "www").exists()


@pytest.mark.site
@pytest.mark.parametrize("which", ["destination", "previous", "file", "symlink"])
def test_a_folder_that_is_not_a_site_published_here_is_never_replaced(site, tmp_path, which):
    copy = _site_copy(site, tmp_path)
    config = _config(tmp_path, 'destination = "www"\n')
    other = tmp_path / ("www.previous" if which == "previous" else "www")
    if which == "file":
        other.write_text("不是文件夹", encoding="utf-8")
    elif which == "symlink":
        (tmp_path / "elsewhere").mkdir()
        other.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    else:
        other.mkdir()
        (other / "单位通讯录.xlsx").write_bytes(b"someone else's file")
    before = _tree(tmp_path)
    with pytest.raises(deploy.DeployError) as refused:
        deploy.publish_site(copy, config, say=_quiet)
    message = str(refused.value)
    if which in ("destination", "previous"):
        assert "不是本程序发布的网站" in message and "不会替换它" in message, message
    assert _tree(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if ".incoming-" in p.name]


@pytest.mark.site
def test_an_empty_destination_folder_is_used(site, tmp_path):
    copy = _site_copy(site, tmp_path)
    (tmp_path / "www").mkdir()
    deploy.publish_site(copy, _config(tmp_path, 'destination = "www"\n'), say=_quiet)
    assert _sums_pass(tmp_path / "www").returncode == 0


@pytest.mark.site
@pytest.mark.parametrize("failure", ["disk-full", "stopped", "corrupted"])
def test_a_failure_while_copying_leaves_the_old_site_and_no_temporary_folder(site, tmp_path, monkeypatch, failure):
    copy = _site_copy(site, tmp_path)
    config = _config(tmp_path, 'destination = "www"\n')
    deploy.publish_site(copy, config, say=_quiet)
    (copy / "index.html").write_bytes((copy / "index.html").read_bytes() + b"\n")  # a new build to publish
    publish.write_manifest(copy)
    before = _tree(tmp_path / "www")
    real = deploy.copy_file
    copied = []

    def failing(source: Path, target: Path) -> None:
        if len(copied) == 20:
            if failure == "disk-full":
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
            if failure == "stopped":
                raise KeyboardInterrupt
        real(source, target)
        if failure == "corrupted" and len(copied) == 20:
            with open(target, "ab") as handle:
                handle.write(b"!")
        copied.append(target)

    monkeypatch.setattr(deploy, "copy_file", failing)
    if failure == "stopped":
        with pytest.raises(KeyboardInterrupt):
            deploy.publish_site(copy, config, say=_quiet)
    else:
        with pytest.raises(deploy.DeployError) as refused:
            deploy.publish_site(copy, config, say=_quiet)
        says = "磁盘已满。原来的网站保持不变" if failure == "disk-full" else "复制出错，请重新运行 make publish"
        assert says in str(refused.value), str(refused.value)
    assert copied  # it did fail half way
    assert _tree(tmp_path / "www") == before
    assert _sums_pass(tmp_path / "www").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built", "publish.toml", "www"]


# --- to a server, over ssh ----------------------------------------------------------------------------

# Stands in for ssh: records its arguments, skips ssh's options and the host, and runs the command
# here with sh, as the server's shell would (rsync -e runs it the same way).
FAKE_SSH = """#!/bin/sh
printf '%s\\n' "$*" >> "$(dirname "$0")/ssh.log"
while [ $# -gt 0 ]; do
  case "$1" in
    -p|-i|-o|-l|-F) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
shift
exec sh -c "$*"
"""

# Stands in for rsync: the real one, then one byte more in a file of the upload (a transfer gone wrong).
CORRUPTING_RSYNC = """#!/bin/sh
rsync "$@" || exit $?
printf '!' >> "$CORRUPT"
"""


def _executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def server(tmp_path) -> dict:
    """A "server" folder with a space in its path, a fake ssh, and the settings that reach it."""
    for tool in ("rsync", "sha256sum"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: `make test` installs Debian's rsync; run it instead of pytest alone")
    tools = tmp_path / "tools"
    tools.mkdir()
    root = tmp_path / "server" / "srv www"
    root.mkdir(parents=True)
    key = tools / "id_publish"
    key.write_text("not a real key", encoding="utf-8")
    path = root / "12345"
    config = _config(
        tmp_path / "conf",
        f'destination = "hotline@web-server:{path}"\nssh_port = 2222\nssh_key = "{key}"\n',
    )
    ssh = _executable(tools / "fake-ssh", FAKE_SSH)
    return {"path": path, "config": config, "env": {"HOTLINE_SSH": str(ssh)}, "log": tools / "ssh.log", "key": key}


@pytest.mark.site
@pytest.mark.external
def test_publishing_over_ssh_uploads_checks_and_swaps_on_the_server(site, tmp_path, server):
    copy = _site_copy(site, tmp_path)
    done = _run("--config", server["config"], "--site", copy, env=server["env"])
    assert done.returncode == 0, done.stdout + done.stderr
    path = server["path"]
    assert _tree(path) == _tree(site)
    assert _sums_pass(path).returncode == 0
    assert oct(path.stat().st_mode & 0o777) == "0o755"
    assert f"已发布到：hotline@web-server:{path}（ssh 端口 2222）" in done.stdout
    calls = server["log"].read_text(encoding="utf-8").split("\n-o ")
    assert len(calls) == 3  # a check, rsync, then the one command that verifies and swaps
    for call in calls:
        assert "-p 2222" in call and f"-i {server['key']}" in call, call
    assert "sha256sum -c --quiet SHA256SUMS" in calls[2] and "mv -T" in calls[2]
    assert "rsync --server" in calls[1] and str(path) not in calls[1]  # the paths go through rsync's protocol

    (path / "left-over.html").write_text("上一次发布之后多出来的文件", encoding="utf-8")
    again = _run("--config", server["config"], "--site", copy, env=server["env"])
    assert again.returncode == 0, again.stdout + again.stderr
    assert _tree(path) == _tree(site)
    assert sorted(p.name for p in path.parent.iterdir()) == ["12345"]  # no .incoming, no .previous left


@pytest.mark.site
@pytest.mark.external
def test_an_upload_that_fails_its_sums_on_the_server_is_not_swapped_in(site, tmp_path, server):
    copy = _site_copy(site, tmp_path)
    assert _run("--config", server["config"], "--site", copy, env=server["env"]).returncode == 0
    before = _tree(server["path"])
    (copy / "index.html").write_bytes((copy / "index.html").read_bytes() + b"\n")
    publish.write_manifest(copy)
    rsync = _executable(tmp_path / "tools" / "rsync-corrupting", CORRUPTING_RSYNC)
    env = {**server["env"], "HOTLINE_RSYNC": str(rsync), "CORRUPT": f"{server['path']}.incoming/index.html"}
    done = _run("--config", server["config"], "--site", copy, env=env)
    assert done.returncode == 1
    assert "没有通过 sha256sum -c 核对" in done.stderr and "服务器上原来的网站保持不变" in done.stderr, done.stderr
    assert _tree(server["path"]) == before


@pytest.mark.site
@pytest.mark.external
def test_a_server_folder_that_is_not_ours_is_refused_before_anything_is_uploaded(site, tmp_path, server):
    copy = _site_copy(site, tmp_path)
    server["path"].mkdir()
    (server["path"] / "index.php").write_text("<?php // 别人的网站", encoding="utf-8")
    before = _tree(server["path"].parent)
    done = _run("--config", server["config"], "--site", copy, env=server["env"])
    assert done.returncode == 1
    assert "不是本程序发布的网站" in done.stderr and "不会替换它" in done.stderr, done.stderr
    assert _tree(server["path"].parent) == before
    assert sorted(p.name for p in server["path"].parent.iterdir()) == ["12345"]

    gone = _config(tmp_path / "conf2", f'destination = "hotline@web-server:{tmp_path}/no/such/12345"\n')
    done = _run("--config", gone, "--site", copy, env=server["env"])
    assert done.returncode == 1 and f"文件夹 {tmp_path}/no/such 不存在" in done.stderr, done.stderr


# --- inline content against the policy ------------------------------------------------------------------


def _csp() -> str:
    found = re.findall(r'add_header Content-Security-Policy "([^"]*)" always;', NGINX_CONF.read_text(encoding="utf-8"))
    assert len(found) == 1, "deploy/nginx.conf should set one Content-Security-Policy"
    return found[0]


def _directive(policy: str, name: str) -> list[str]:
    for directive in policy.split(";"):
        words = directive.split()
        if words and words[0] == name:
            return words[1:]
    return []


@pytest.mark.site
def test_the_policy_allows_every_inline_style_of_the_site_and_the_site_has_no_inline_script(site):
    """What the policy allows is what the built site uses, no more: an inline <style> (matplotlib's
    in each chart, pandas' in the research page's tables) is allowed by its hash; a new one (a new
    matplotlib or pandas) is named here with the hash to add."""
    allowed = set(_directive(_csp(), "style-src"))
    missing = {}
    for path in sorted([*site.rglob("*.html"), *site.rglob("*.svg")]):
        if path.relative_to(site).parts[0] == "_static":
            continue
        text = path.read_text(encoding="utf-8")
        for style in re.finditer(r"<style\b[^>]*>(.*?)</style>", text, re.S):
            digest = base64.b64encode(hashlib.sha256(style.group(1).encode("utf-8")).digest()).decode()
            if f"'sha256-{digest}'" not in allowed:
                missing.setdefault(f"'sha256-{digest}'", path.relative_to(site).as_posix())
        if path.suffix == ".html":
            scripts = re.findall(r"<script\b([^>]*)>", text)
            assert all("src=" in attributes for attributes in scripts), (path, scripts)
            assert not re.search(r"\son[a-z]+\s*=", re.sub(r"<script\b.*?</script>", "", text, flags=re.S)), path
            assert not re.search(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", text, re.I), path
    assert missing == {}, f"add these to style-src in deploy/nginx.conf: {missing}"
    assert _directive(_csp(), "script-src") == ["'self'"]
    assert _directive(_csp(), "default-src") == ["'none'"]


# --- nginx ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def nginx(site, tmp_path_factory):
    """Debian's nginx serving a published copy of the site with deploy/nginx.conf as shipped, but
    for its two lines that name this machine: the port it listens on and the site's folder."""
    executable = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if executable is None:
        pytest.fail("nginx is missing: `make test` installs Debian's nginx; run it instead of pytest alone")
    root = tmp_path_factory.mktemp("nginx")
    copy = _site_copy(site, root)
    served = root / "www" / "12345"
    deploy.publish_site(copy, _config(root / "conf", f'destination = "{served}"\n'), say=_quiet)
    (served / ".secret").write_text("隐藏文件", encoding="utf-8")
    port = _free_port()
    shipped = NGINX_CONF.read_text(encoding="utf-8")
    assert shipped.count("    listen 80;\n") == 1 and shipped.count("alias /srv/www/12345/;") == 1
    conf = shipped.replace("    listen 80;\n", f"    listen 127.0.0.1:{port};\n")
    (root / "site.conf").write_text(conf.replace("alias /srv/www/12345/;", f"alias {served}/;"), encoding="utf-8")
    temp = {name: root / f"{name}_temp" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = root / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # the test's folders are readable by their owner only
        + f"pid {root / 'nginx.pid'};\n"
        f"error_log {root / 'error.log'} info;\n"
        "worker_processes 1;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {root / 'access.log'};\n"
        + "".join(f"    {name}_temp_path {path};\n" for name, path in temp.items())
        + f"    include {root / 'site.conf'};\n"
        "}\n",
        encoding="utf-8",
    )
    command = [executable, "-p", f"{root}/", "-c", str(main), "-e", str(root / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    log = (root / "nginx.out").open("wb")
    process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx stopped: {(root / 'error.log').read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not start listening in 15 s")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", served
    finally:
        process.terminate()  # the master stops its worker and waits for it
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        assert not (root / "nginx.pid").exists(), "nginx left its pid file: a process may still run"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url: str, *, compressed: bool = False) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if compressed else {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _security_headers_present(headers: dict, what: str) -> None:
    assert headers.get("content-security-policy") == _csp(), what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", what
    assert headers.get("x-frame-options") == "DENY", what
    assert headers.get("server") == "nginx", what  # no version


@pytest.mark.site
@pytest.mark.external
def test_nginx_serves_the_site_with_its_headers_types_compression_and_caching(nginx, site):
    base, _ = nginx
    status, headers, body = _get(base + PREFIX)
    assert status == 200 and body == (site / "index.html").read_bytes()
    _security_headers_present(headers, "home page")
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-cache"

    css = re.search(r'href="(_static/hotline\.css\?v=[^"]+)"', body.decode("utf-8")).group(1)
    chart = next(p for p in (site / "_images").iterdir() if p.suffix == ".svg").name
    types = {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "quarters/2024Q1.html": ("text/html; charset=utf-8", "no-cache"),
        css: ("text/css; charset=utf-8", "max-age=31536000"),
        "_static/hotline-search.js": ("application/javascript; charset=utf-8", "max-age=86400"),
        "search-data.js": ("application/javascript; charset=utf-8", "no-cache"),
        f"_images/{chart}": ("image/svg+xml; charset=utf-8", "max-age=31536000"),
        "units/charts/T02.svg": ("image/svg+xml; charset=utf-8", "no-cache"),
        "docx/2024Q1.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "no-cache"),
        "pdf/2024Q1.pdf": ("application/pdf", "no-cache"),
        "data/baishui-12345.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "no-cache"),
        "data/baishui-12345-units.csv": ("text/csv; charset=utf-8", "no-cache"),
        "data/datapackage.json": ("application/json; charset=utf-8", "no-cache"),
        "feed.xml": ("application/atom+xml; charset=utf-8", "no-cache"),
        "sitemap.xml": ("text/xml; charset=utf-8", "no-cache"),
        "SHA256SUMS": ("text/plain; charset=utf-8", "no-cache"),
        "manifest.json": ("application/json; charset=utf-8", "no-cache"),
    }
    textual = ("text/", "application/javascript", "application/json", "application/atom+xml", "image/svg+xml")
    for path, (content_type, cache) in types.items():
        expected = (site / path.split("?")[0]).read_bytes()
        status, headers, body = _get(base + PREFIX + path)
        assert (status, headers["content-type"], headers["cache-control"]) == (200, content_type, cache), path
        assert "content-encoding" not in headers and body == expected, path
        _security_headers_present(headers, path)
        status, headers, body = _get(base + PREFIX + path, compressed=True)
        if content_type.startswith(textual) and len(expected) > 256:
            assert headers.get("content-encoding") == "gzip", path
            assert headers.get("vary") == "Accept-Encoding", path
            assert gzip.decompress(body) == expected, path
        elif not content_type.startswith(textual):
            assert "content-encoding" not in headers and body == expected, path

    status, headers, _ = _get(base + "/12345")
    assert (status, headers["location"]) == (301, "/12345/")
    status, headers, _ = _get(base + "/")
    assert (status, headers["location"]) == (302, "/12345/")
    assert _get(base + PREFIX + "units/")[0] == 200  # a folder's index.html
    for path, codes in ((".secret", {403}), ("no-such-page.html", {404}), ("../../etc/passwd", {400, 404})):
        status, headers, body = _get(base + PREFIX + path)
        assert status in codes and "隐藏文件".encode() not in body and b"root:" not in body, (path, status)
        _security_headers_present(headers, path)  # error pages too
    assert _get(base + "/12345.previous/index.html")[0] == 404


@pytest.mark.site
@pytest.mark.external
def test_in_chromium_the_pages_from_nginx_render_with_no_policy_violation(nginx, browser):
    base, _ = nginx
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    # Recorded in every document, before its own scripts (Playwright's scripts are not under the policy).
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
        "[e.effectiveDirective, e.blockedURI, e.sample].join(' ')));"
    )
    page = context.new_page()
    messages = []

    def console(message) -> None:
        # A chart opened by itself names no icon, so Chromium asks for /favicon.ico, outside the site.
        if message.type in ("error", "warning") and not message.location.get("url", "").endswith("/favicon.ico"):
            messages.append(f"{message.type}: {message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))

    def visit(path: str) -> None:
        response = page.goto(base + PREFIX + path)
        assert response.status == 200, path
        assert response.header_value("content-security-policy") == _csp(), path
        page.wait_for_load_state("load")

    def no_violation(path: str) -> None:
        assert page.evaluate("window.__violations") == [], path
        assert messages == [], (path, messages)

    try:
        for path in ("index.html", "quarters/2024Q1.html", "units/unit-T02.html", "research.html", "comparison.html"):
            visit(path)
            assert page.locator("h1").count() == 1 and page.locator("h1").inner_text().strip(), path
            # The stylesheet is applied (style-src 'self'), not refused.
            assert page.evaluate(
                "[...document.styleSheets].some(s => (s.href || '').includes('hotline.css') && s.cssRules.length > 0)"
            ), path
            scroll_to_every_image(page)  # the charts load when scrolled near (loading="lazy")
            images = page.eval_on_selector_all("main img", "els => els.map(e => [e.src, e.naturalWidth])")
            assert all(width > 0 for _, width in images), (path, images)
            no_violation(path)
        # The charts' sizes are style attributes (allowed by style-src-attr): applied, not blocked.
        visit("quarters/2024Q1.html")
        assert page.eval_on_selector("main img.chart[style]", "e => e.style.width") == "480px"
        # A chart opened by itself: its own <style> (allowed by hash) and, in the heatmap, a data: image.
        charts = [f"_images/{p.name}" for p in sorted((nginx[1] / "_images").glob("*.svg"))]
        for chart in [*charts, "units/charts/T02.svg"]:
            visit(chart)
            no_violation(chart)

        # The search: from the header's form on the home page (form-action 'self'), then typed on its page.
        visit("index.html")
        page.fill("#site-search-query", "尧禾镇")
        page.locator("form.site-search button").click()
        page.wait_for_url(re.compile(r"/search\.html\?q="))
        page.wait_for_selector("#search-results li")
        assert page.eval_on_selector("#search-results li a", "a => a.getAttribute('href')") == "units/unit-T02.html"
        page.fill("#search-query", "供销联社得分")
        page.locator(".search-page button").click()
        # Waited for by a locator: a string predicate (wait_for_function) is compiled in the page,
        # which this very policy forbids, whenever the answer is not there at the first look.
        page.locator("#search-status", has_text=re.compile("^找到")).wait_for()
        assert page.eval_on_selector("#search-results li a", "a => a.getAttribute('href')") == "units/unit-O09.html"
        no_violation("search.html")
    finally:
        context.close()
