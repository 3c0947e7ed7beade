"""Uploaded and generated files: MEDIA_ROOT on one machine, or an S3 bucket shared by every machine."""

from .environment import VAR_DIR, env

MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Documents kept with contracts (contracts.services.records): the largest a file may be.
CONTRACT_DOCUMENT_MAX_BYTES = env.int("CONTRACT_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Files (reports, exports) go through Django's storage API only (core/storage.py): under MEDIA_ROOT on one
# machine, or, with AWS_STORAGE_BUCKET_NAME set, in an S3 bucket (AWS S3, MinIO or any S3-compatible service at
# AWS_S3_ENDPOINT_URL) that web processes and workers on different machines share (README "Files").
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
# "path" for MinIO and most S3-compatible services (http://host:9000/bucket/key); "virtual" or "auto" for AWS.
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="path")
AWS_LOCATION = env("AWS_LOCATION", default="")


def file_storage(*, bucket: str, endpoint_url=None, region=None, access_key=None, secret_key=None,
                 addressing_style="path", location="") -> dict:
    """STORAGES["default"]: S3 when a bucket is named, else atomic files under MEDIA_ROOT."""
    if not bucket:
        return {"BACKEND": "core.storage.AtomicFileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket, "endpoint_url": endpoint_url, "region_name": region,
            "access_key": access_key, "secret_key": secret_key, "addressing_style": addressing_style,
            "location": location,
            # Private objects; downloads go through the portal, which checks who may read them.
            "default_acl": None, "querystring_auth": True, "file_overwrite": False,
        },
    }

STORAGES = {
    "default": file_storage(
        bucket=AWS_STORAGE_BUCKET_NAME, endpoint_url=AWS_S3_ENDPOINT_URL, region=AWS_S3_REGION_NAME,
        access_key=AWS_ACCESS_KEY_ID, secret_key=AWS_SECRET_ACCESS_KEY, addressing_style=AWS_S3_ADDRESSING_STYLE,
        location=AWS_LOCATION,
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
