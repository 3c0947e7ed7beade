"""File storage (README "Files"): the portal reads and writes files only through Django's storage API.

On one machine that is `AtomicFileSystemStorage` under MEDIA_ROOT; with several machines it is django-storages'
S3 backend (settings: AWS_STORAGE_BUCKET_NAME and friends), for AWS S3, MinIO or any S3-compatible service, so
a worker and the web processes need no shared disk. This is the one place that knows about disks.
"""

import os
import tempfile

from django.core.files.storage import FileSystemStorage

PARTIAL_PREFIX = ".partial-"


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose saves never show a half-written file under the final name.

    The bytes go to a hidden temporary file in the target's folder, are flushed to disk, and are then linked to
    the final name (an atomic step that, like Django's own O_EXCL open, never overwrites an existing file: a name
    taken meanwhile gets the next free variant). An S3 object is likewise visible only once uploaded whole.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        if hasattr(content, "seek"):
            content.seek(0)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            while True:
                try:
                    os.link(temporary, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(temporary)
        return str(name).replace("\\", "/")


def storage_probe(storage=None, *, create_bucket: bool = False) -> str:
    """Write, read back and delete a small file through `storage` (default_storage); say where files go.

    With `create_bucket`, an S3 bucket that does not exist yet is made first (compose's one-shot `migrate` does
    this for its MinIO). Raises whatever the storage raises when it cannot be used.
    """
    import uuid  # noqa: PLC0415 - only this probe needs them

    from django.core.files.base import ContentFile  # noqa: PLC0415
    from django.core.files.storage import default_storage  # noqa: PLC0415

    storage = storage or default_storage
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        where = f"S3 bucket {bucket!r} at {storage.endpoint_url or 'AWS'}"
        if create_bucket:
            client = storage.connection.meta.client
            names = {item["Name"] for item in client.list_buckets().get("Buckets", [])}
            if bucket not in names:
                region = storage.region_name
                extra = {"CreateBucketConfiguration": {"LocationConstraint": region}} if (
                    region and region != "us-east-1") else {}
                client.create_bucket(Bucket=bucket, **extra)
                where += " (made now)"
    else:
        where = f"files under {storage.location}"
    body = uuid.uuid4().hex.encode()
    name = storage.save(f"storage-check/{uuid.uuid4().hex}.txt", ContentFile(body))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != body:
                raise OSError(f"{name} read back different from what was written")
    finally:
        storage.delete(name)
    return where
