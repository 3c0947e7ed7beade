import datetime

import pytest

from seeding.demo import DEMO_PASSWORD, demo_seed
from seeding.reference_data import reference_data_load

# Demo data in tests is built around today, as the pages measure "open" and "overdue" against today.
DEMO_TODAY = datetime.date.today()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped reference data (32 councils, partners, strategy)."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def reference_data(db):
    """For transactional tests, whose flush removes the data loaded at set-up."""
    return reference_data_load()


@pytest.fixture
def demo_data(db):
    return demo_seed(scale="small", seed=1, today=DEMO_TODAY)


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture
def login_as(client, demo_data):
    """Log the test client in as one of the demo accounts, by email."""

    def _login(email):
        from core.models import User

        client.force_login(User.objects.get(email=email))
        return client

    return _login
