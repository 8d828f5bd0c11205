"""Start nginx with the configuration in docs/deploy.md in front of reader serve, and check it.

Usage: python scripts/nginx_cache_check.py

Checks, on loopback: a hot page comes from nginx's cache; an edit is not served while the
cached copy is fresh and is served once its freshness (max-age) has passed; the reading
settings are never shared. The configuration is read from docs/deploy.md itself, so the
documentation cannot drift from what was tested. Exits non-zero on the first failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.accesslog import FLUSH_SECONDS  # noqa: E402
from reader.cli import DEMO_SITE  # noqa: E402
from tests.server import free_port, running_server  # noqa: E402

ARTICLE = "english/ferry-night-service-english"
SETTLE_SECONDS = 10 * FLUSH_SECONDS


def documented_config() -> str:
    """The nginx block from docs/deploy.md."""
    text = (ROOT / "docs/deploy.md").read_text(encoding="utf-8")
    match = re.search(r"```nginx\n(.*?)```", text, re.DOTALL)
    if match is None:
        raise SystemExit("docs/deploy.md has no ```nginx block")
    return match[1]


def loopback_config(block: str, work: Path, reader_port: int, port: int) -> str:
    """The documented block, pointed at loopback ports and a scratch folder, in a whole file."""
    block = block.replace("/var/cache/nginx/reader", str(work / "cache"))
    block = block.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{reader_port};")
    block = block.replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = "".join(
        f"{name}_temp_path {work / name};\n" for name in ("client_body", "proxy", "fastcgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\npid {work / 'nginx.pid'};\nerror_log {work / 'error.log'};\n"
        "events {}\nhttp {\n"
        f"access_log {work / 'access.log'};\n{temp}"
        f"uwsgi_temp_path {work / 'uwsgi'};\nscgi_temp_path {work / 'scgi'};\n"
        f"{block}}}\n"
    )


@contextmanager
def nginx(config: str, work: Path, port: int) -> Iterator[str]:
    """Run nginx with ``config`` until the block ends; yield its base URL."""
    file = work / "nginx.conf"
    file.write_text(config)
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    checked = subprocess.run([binary, "-t", "-c", str(file)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise SystemExit(f"nginx rejects the documented configuration:\n{checked.stderr}")
    process = subprocess.Popen([binary, "-c", str(file)], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(base + "/robots.txt", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def expect(condition: bool, message: str) -> None:
    """Stop with ``message`` unless ``condition`` holds."""
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"ok: {message}")


def logged_requests(log: Path, path: str, at_least: int) -> int:
    """How many requests for ``path`` reader's access log holds, once its writer has settled.

    reader writes its log off the request path, at most FLUSH_SECONDS late, so a line may
    still be on its way when the request that left it has been answered.
    """
    line = f"GET {path} HTTP"
    deadline = time.monotonic() + 5
    while log.read_text().count(line) < at_least and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(SETTLE_SECONDS)
    return log.read_text().count(line)


def max_age(response: httpx.Response) -> int:
    """The freshness lifetime a response declares."""
    found = re.search(r"max-age=(\d+)", response.headers["cache-control"])
    assert found, response.headers
    return int(found[1])


def check() -> None:
    """Run every check against nginx and reader on loopback."""
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is not installed (apt-get install nginx)")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        os.chmod(work, 0o755)
        site = work / "site"
        shutil.copytree(DEMO_SITE, site)
        article = site / "content" / f"{ARTICLE}.md"
        log = work / "reader.log"
        with running_server(
            str(site), "--base-url", "https://news.example.org/", log_path=log
        ) as up:
            reader_port = int(up.rsplit(":", 1)[1])
            port = free_port()
            config = loopback_config(documented_config(), work, reader_port, port)
            with nginx(config, work, port) as base, httpx.Client(base_url=base) as client:
                path = f"/{ARTICLE}/"
                first = client.get(path)
                expect(
                    first.status_code == 200,
                    f"the page is served through nginx ({first.status_code})",
                )
                second = client.get(path)
                expect(second.headers.get("x-cache-status") == "HIT", "a hot page is a cache HIT")
                reaching = logged_requests(log, path, at_least=1)
                for _ in range(20):
                    client.get(path)
                later = logged_requests(log, path, at_least=reaching)
                expect(later == reaching, "20 more requests never reach reader")

                lifetime = max_age(first)
                edited_at = time.monotonic()
                text = article.read_text(encoding="utf-8")
                article.write_text(text.replace("title:", "title: EDITED", 1), encoding="utf-8")
                time.sleep(2)  # reader has reloaded by now
                direct = httpx.get(up + path).text
                expect("EDITED" in direct, "reader itself serves the edit at once")
                expect("EDITED" not in client.get(path).text, "nginx serves the fresh copy")

                deadline = edited_at + lifetime + 10
                while "EDITED" not in client.get(path).text:
                    if time.monotonic() > deadline:
                        raise SystemExit("FAILED: the edit never reached nginx's readers")
                    time.sleep(0.5)
                waited = time.monotonic() - edited_at
                expect(
                    lifetime <= waited + 1 <= lifetime + 10,
                    f"the edit is served after its freshness ({lifetime} s): {waited:.0f} s",
                )
                revalidated = re.findall(
                    rf'"GET {re.escape(path)} HTTP/1.1" (\d+)', log.read_text()
                )
                expect(
                    "304" in revalidated or "200" in revalidated, "nginx revalidated with reader"
                )

                light = client.get("/_reading.css", headers={"cookie": "reading=large.light"})
                plain = client.get("/_reading.css")
                expect(light.text != plain.text, "reading settings are never shared by the cache")
                expect(
                    light.headers.get("x-cache-status") != "HIT"
                    and plain.headers.get("x-cache-status") != "HIT",
                    "the personal stylesheet is never stored",
                )


if __name__ == "__main__":
    check()
