"""Run callables in threads, each on its own database connection, and make sure they end.

A thread still running when the test looks at the result means the test proves nothing (and
keeps its database connection open), so both helpers fail the test instead of going on.
"""

import threading
import time

from django.db import connection

JOIN_TIMEOUT = 30


class InThread:
    """Run `func` in a named thread; `join()` fails unless it finished, and gives its result."""

    def __init__(self, func, *, name: str):
        self.name = name
        self.result = None
        self.error: BaseException | None = None
        self._func = func
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            self.result = self._func()
        except BaseException as exc:  # handed to the test by join()
            self.error = exc
        finally:
            connection.close()

    def join(self, timeout: float = JOIN_TIMEOUT):
        self._thread.join(timeout=timeout)
        if self._thread.is_alive():
            raise AssertionError(f"thread {self.name} did not finish within {timeout}s")
        if self.error is not None:
            raise self.error
        return self.result


def run_together(*funcs, timeout: float = JOIN_TIMEOUT):
    """Release `funcs` at the same moment on a barrier; return their results and errors."""
    barrier = threading.Barrier(len(funcs))
    results, errors = [None] * len(funcs), []

    def worker(index, func):
        try:
            barrier.wait(timeout=10)
            results[index] = func()
        except Exception as exc:  # surfaced to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, f), name=f"racer-{i}", daemon=True)
        for i, f in enumerate(funcs)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    unfinished = [thread.name for thread in threads if thread.is_alive()]
    if unfinished:
        raise AssertionError(f"threads still running after {timeout}s: {unfinished}")
    return results, errors
