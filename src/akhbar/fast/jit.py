"""numba's ``njit`` as akhbar uses it: with the on-disk cache where a cache folder is writable.

Compiling a kernel takes a second or more; with the cache a new process loads it in a fraction
of that. numba refuses ``cache=True`` where no cache folder is writable, so there the kernel is
compiled without it, once per process: a read-only install still works. Every module that
imports this imports numba, so only modules used when featurizing do: prediction, and training's
scan of its corpus; loading a model never does (a test checks).
"""

from __future__ import annotations

from numba import njit


def compiled(**options):
    """``njit(cache=True, **options)``, or ``njit(**options)`` where caching is refused."""
    def wrap(function):
        try:
            return njit(cache=True, **options)(function)
        except RuntimeError:
            return njit(**options)(function)
    return wrap
