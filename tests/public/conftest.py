import shutil
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def published_files_kept():
    """A withdrawal deletes the files it replaces once it commits; the database rolls back after each test, the
    disk does not: put the published files back as they were, so the tests after this one (the authorisation
    matrix, the confidentiality walk) find the files the committed demo publication names."""
    folder = Path(settings.MEDIA_ROOT) / "public"
    kept = folder.with_name("public-kept")
    shutil.rmtree(kept, ignore_errors=True)
    if folder.exists():
        shutil.copytree(folder, kept)
    yield
    if kept.exists():
        shutil.rmtree(folder, ignore_errors=True)
        shutil.move(kept, folder)
