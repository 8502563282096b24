import pytest

from .support import launch_browser


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()
