from tests.conftest import default_version, make_version  # noqa: F401 (shared fixtures)
