import pytest

from tests.kit.webhooks import Receiver


@pytest.fixture
def allow_private(settings):
    """The test receivers listen on 127.0.0.1, which webhooks otherwise refuse."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()
