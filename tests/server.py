"""Run the real ``reader serve`` in a subprocess on a free port, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import httpx

from tests.commands import reader_command

STARTUP_SECONDS = 30.0


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server(
    *args: str,
    cwd: Path | None = None,
    log_path: Path | None = None,
    env: dict[str, str] | None = None,
    file_limit: int | None = None,
) -> Iterator[str]:
    """Start ``reader serve ARGS`` and yield its base URL once it answers.

    The server's log (with uvicorn's access log) goes to ``log_path`` when given; ``env``
    adds to the environment (the on-disk index otherwise goes to a fresh folder);
    ``file_limit`` is the size no file it writes may pass (``commands.reader_command``).
    """
    port = free_port()
    command = [*reader_command(file_limit), "serve", *args, "--port", str(port)]
    # A file, not a pipe: a pipe nobody reads fills up and blocks the server's logging.
    with ExitStack() as files:
        # The on-disk index goes to a fresh cache folder, never the user's own.
        cache_home = files.enter_context(tempfile.TemporaryDirectory())
        env = {**os.environ, "XDG_CACHE_HOME": cache_home, **(env or {})}
        if log_path is None:
            log = files.enter_context(tempfile.TemporaryFile(mode="w+"))
        else:
            log = files.enter_context(log_path.open("w+"))
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, base, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], base: str, log: IO[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"reader serve exited early:\n{log.read()}")
        try:
            httpx.get(base + "/", timeout=1.0)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``check()`` until it is true or ``timeout`` seconds pass; return the last result."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
