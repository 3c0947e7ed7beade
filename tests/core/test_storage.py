"""Files through the storage API only: the same report code on the local disk and on an S3-compatible server
(moto's server mode, started here on loopback), written whole, partial objects of a dead writer swept."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from storages.backends.s3 import S3Storage

from core.storage import PARTIAL_PREFIX, AtomicFileSystemStorage
from digital_office.settings.base import file_storage
from initiatives.reports.render import PARTIAL_FOLDER, remove_partial_files, store_whole
from tests.stack import S3Server

# One worker runs this file's tests: they share a module-scoped fixture that is slow to start (make test's loadgroup).
pytestmark = pytest.mark.xdist_group("storage")



@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


def s3_storage(server):
    options = file_storage(bucket=server.bucket, endpoint_url=server.url, region=server.REGION,
                           access_key=server.ACCESS_KEY, secret_key=server.SECRET_KEY)["OPTIONS"]
    return S3Storage(**options)


def test_without_a_bucket_files_stay_on_the_local_disk_and_with_one_they_go_to_s3():
    assert file_storage(bucket="")["BACKEND"] == "core.storage.AtomicFileSystemStorage"
    configured = file_storage(bucket="files", endpoint_url="http://minio:9000", region="eu-west-2")
    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    assert configured["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert configured["OPTIONS"]["file_overwrite"] is False and configured["OPTIONS"]["default_acl"] is None


def test_a_report_file_is_stored_whole_on_s3_and_read_back_by_another_client(s3):
    writer, reader = s3_storage(s3), s3_storage(s3)
    first = store_whole("reports/2026/12/portfolio.pdf", b"%PDF-1.7 whole %%EOF", storage=writer)
    second = store_whole("reports/2026/12/portfolio.pdf", b"%PDF-1.7 another %%EOF", storage=writer)
    assert first != second  # a name in use is never overwritten
    with reader.open(first, "rb") as handle:
        assert handle.read() == b"%PDF-1.7 whole %%EOF"
    keys = s3.keys()
    assert first in keys and second in keys
    assert not [key for key in keys if key.startswith(PARTIAL_FOLDER)]  # the temporary copy was deleted


def test_partial_objects_of_a_dead_writer_are_swept_from_s3(s3):
    storage = s3_storage(s3)
    left = storage.save(f"{PARTIAL_FOLDER}/dead.part", ContentFile(b"%PDF-half"))
    assert remove_partial_files(older_than=timezone.now() - datetime.timedelta(hours=1), storage=storage) == 0
    assert remove_partial_files(older_than=timezone.now() + datetime.timedelta(seconds=5), storage=storage) == 1
    assert left not in s3.keys()


def test_the_local_storage_links_a_complete_file_into_place_and_never_overwrites(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    name = storage.save("reports/a.pdf", ContentFile(b"one"))
    again = storage.save("reports/a.pdf", ContentFile(b"two"))
    assert name == "reports/a.pdf" and again != name
    assert (tmp_path / name).read_bytes() == b"one" and (tmp_path / again).read_bytes() == b"two"
    assert not [p for p in (tmp_path / "reports").iterdir() if p.name.startswith(PARTIAL_PREFIX)]


def test_storage_check_makes_the_bucket_and_round_trips_a_file(tmp_path):
    """`manage.py storage_check --create-bucket`, as compose's migrate service runs it against a new MinIO: the
    bucket is made, a file written, read back and deleted; without the bucket and the option it fails plainly."""
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from tests.stack import ROOT  # noqa: PLC0415

    server = S3Server(tmp_path / "s3", bucket="not-made-yet")
    server.bucket = "made-by-storage-check"
    server.start()
    try:
        server.client().delete_bucket(Bucket=server.bucket)
        env = {**os.environ, **server.env(), "DJANGO_SETTINGS_MODULE": "digital_office.settings.test"}

        def check(*args):
            return subprocess.run([sys.executable, "manage.py", "storage_check", *args], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=120)

        refused = check()
        assert refused.returncode != 0 and "file storage cannot be used" in refused.stderr
        made = check("--create-bucket")
        assert made.returncode == 0, made.stderr
        assert "S3 bucket 'made-by-storage-check'" in made.stdout and "(made now)" in made.stdout
        assert server.keys() == []  # the probe file is gone
        again = check("--create-bucket")
        assert again.returncode == 0 and "(made now)" not in again.stdout
    finally:
        server.stop()
