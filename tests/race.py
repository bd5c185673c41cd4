"""Run callables at the same moment in threads, each on its own database connection."""

import threading

from django.db import connection


def run_together(*funcs):
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

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(funcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors
