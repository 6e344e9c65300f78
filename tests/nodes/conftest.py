"""Node tests use their own trust store (and cache key) in a temporary folder, never the user's."""
import pytest


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MLWIRE_DATA_DIR", str(tmp_path_factory.mktemp("mlwire-data")))


@pytest.fixture(scope="session")
def pg():
    """A PostgreSQL server on 127.0.0.1 for this test session (skipped, with the reason, when
    PostgreSQL is not installed)."""
    from tests.nodes import postgres
    reason = postgres.unavailable()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    server = postgres.start()
    yield server
    server.stop()
