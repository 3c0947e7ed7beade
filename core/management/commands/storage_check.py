"""`manage.py storage_check [--create-bucket]`: can this process write, read and delete files where the portal
keeps them (the S3 bucket, or MEDIA_ROOT)? With --create-bucket a missing bucket is made first (compose's
`migrate` service runs it so for MinIO). docs/operations.md."""

from django.core.management.base import BaseCommand, CommandError

from core.storage import storage_probe


class Command(BaseCommand):
    help = "Write, read back and delete a small file in the portal's file storage (S3 bucket or MEDIA_ROOT)."

    def add_arguments(self, parser):
        parser.add_argument("--create-bucket", action="store_true", help="make the S3 bucket if it does not exist")

    def handle(self, *args, create_bucket, **options):
        try:
            where = storage_probe(create_bucket=create_bucket)
        except Exception as exc:  # any storage failure is the operator's answer
            raise CommandError(f"file storage cannot be used: {exc.__class__.__name__}: {exc}") from exc
        self.stdout.write(f"file storage ok: {where}")
