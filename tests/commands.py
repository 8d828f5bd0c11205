"""``reader`` run in a process of its own, as users run it, under limits a test cannot set
on itself."""

from __future__ import annotations

import subprocess
import sys

_SMALL_FILES = (
    "import resource, runpy, signal, sys; "
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv.pop(1)),) * 2); "
    "runpy.run_module('reader', run_name='__main__')"
)
"""The limit set in the child itself: a ``preexec_fn`` is unsafe beside the test's threads."""


def reader_command(file_limit: int | None = None) -> list[str]:
    """The command that runs ``reader``; where no file may grow past ``file_limit`` bytes
    when one is given: the kernel refuses the write part of the way, as a full disk does
    (in a build's workers too)."""
    if file_limit is None:
        return [sys.executable, "-m", "reader"]
    return [sys.executable, "-c", _SMALL_FILES, str(file_limit)]


def reader_with_small_files(arguments: list[str], limit: int) -> subprocess.CompletedProcess[str]:
    """``reader ARGUMENTS`` where no file may grow past ``limit`` bytes."""
    return subprocess.run(
        [*reader_command(limit), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )
