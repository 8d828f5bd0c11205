"""Background work that gives way to requests.

After a start the server indexes its articles for search, resizes images and writes its
index, on threads beside the event loop. Python runs one thread at a time, switching every
few milliseconds, and on a small machine the work also takes a core the requests need: a
busy background thread took about half of the requests' throughput. Each run of background
work takes a pause from ``Pacer.run`` and calls it between small units of work: while
requests are coming in, it sleeps long enough that the run takes at most its share of the
time; when none are, the work goes on at full speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

BACKGROUND_SHARE = 0.08
"""The most of the time one run of background work takes while requests are being answered
(the search index and the images are made on two threads at once: 0.16 together). At 0.15
the worst window of cached answers after a cold start of 10,000 articles was 0.58 of a
bare app's rate in six runs by hand, at 0.08 0.66 (docs/deploy.md); the search index is
ready about twice as late under a constant load."""
SLICE_SECONDS = 0.004
"""Work done between checks: under the interpreter's switch interval (5 ms), so a request
never waits longer for its turn than it would behind any other thread."""
LONGEST_PAUSE_SECONDS = 5.0
"""A unit that overran its slice by far (a huge image) is not paid for by a long stall."""

Pause = Callable[[], None]


class Pacer:
    """Paces the background work of one site by the requests it answers."""

    def __init__(
        self,
        share: float = BACKGROUND_SHARE,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.requests = 0
        """Counted by the app on every request (one addition: the hot path barely notices;
        a count lost to a race between threads costs nothing)."""
        self._rest_per_second = (1.0 - share) / share
        self._clock, self._sleep = clock, sleep

    def run(self) -> Pause:
        """The pause of one run of background work, on one thread: call it between units;
        when a slice of work is done and requests came in meanwhile, it sleeps so that the
        run keeps to its share."""
        since, seen = self._clock(), self.requests

        def pause() -> None:
            nonlocal since, seen
            spent = self._clock() - since
            if spent < SLICE_SECONDS:
                return
            if self.requests != seen:
                self._sleep(min(spent * self._rest_per_second, LONGEST_PAUSE_SECONDS))
            since, seen = self._clock(), self.requests

        return pause


def unpaced() -> None:
    """The pause of work that has nothing to give way to (a build, a test)."""
