import threading

import pytest

from tests.race import InThread, run_together


def test_run_together_fails_when_a_thread_does_not_finish():
    release = threading.Event()
    try:
        with pytest.raises(AssertionError, match="still running"):
            run_together(lambda: release.wait(10), lambda: None, timeout=0.2)
    finally:
        release.set()


def test_a_thread_that_does_not_finish_fails_the_test():
    release = threading.Event()
    thread = InThread(lambda: release.wait(10), name="hangs")
    try:
        with pytest.raises(AssertionError, match="hangs did not finish"):
            thread.join(timeout=0.2)
    finally:
        release.set()
    assert thread.join() is True
