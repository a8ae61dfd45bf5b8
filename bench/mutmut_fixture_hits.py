# Appended by bench/mutation.py to tests/conftest.py in the mutation copy only (bench/out/mutation/python), never
# to the project's own tests.
#
# Why: mutmut links a test to the functions it calls by collecting its trampoline hits between one test's teardown
# and the next. A module- or session-scoped fixture (the mini site built once, the real site loaded once) runs during
# the setup of the first test that asks for it, so every function the build calls was linked to that one test only,
# and a mutant there was run against a test that may check nothing about it: a false survivor. Here, during the
# stats pass, the functions each fixture calls are remembered and added to every test that uses the fixture, cached
# or not (pytest shares one `_fixture_defs` between a test's request and the sub-requests of its fixtures, so a
# fixture fetched with getfixturevalue counts too).
import pytest as _mutmut_pytest

try:
    from mutmut.mutation.trampoline import get_mutant_under_test as _mutmut_current
    from mutmut.state import state as _mutmut_state
except ImportError:  # not under mutmut: nothing to do
    _mutmut_current = None

# (fixture definition, parameter): a parametrized fixture (test_numbers' `site`: real or mini) calls different code
# for each parameter.
_MUTMUT_FIXTURE_HITS: dict[tuple[int, str], set[str]] = {}


def _mutmut_collecting() -> bool:
    return _mutmut_current is not None and _mutmut_current() == "stats"


@_mutmut_pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if not _mutmut_collecting():
        yield
        return
    hits = _mutmut_state()._stats
    earlier = set(hits)
    hits.clear()
    try:
        yield
    finally:
        key = (id(fixturedef), repr(fixturedef.cache_key(request)))
        _MUTMUT_FIXTURE_HITS.setdefault(key, set()).update(hits)
        hits.update(earlier)


@_mutmut_pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    # tryfirst: before mutmut's own teardown hook reads the hits and links them to this test.
    if not _mutmut_collecting():
        return
    request = getattr(item, "_request", None)
    for fixturedef in getattr(request, "_fixture_defs", {}).values():
        if fixturedef.cached_result is not None:  # still set: this runs before the fixtures are finalized
            key = (id(fixturedef), repr(fixturedef.cached_result[1]))
            _mutmut_state()._stats.update(_MUTMUT_FIXTURE_HITS.get(key, ()))
