import pytest

from tests.selftest.helpers import make_bank


@pytest.fixture
def bank():
    return make_bank(topics=2, per_topic=5)


@pytest.fixture
def topics(bank):
    return bank[0]
