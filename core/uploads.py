"""The one check of an uploaded file (contracts' documents, practice assets' files): its name's ending says what it
must be, it is no larger than the limit, it declares that content type and its first bytes agree."""

import mimetypes

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_upload(upload, types: dict, *, max_bytes: int, kinds: str) -> str:
    """`types`: ending -> (content type, the byte strings a file of that kind may start with). `kinds` names them
    for the person ("a PDF, Word (.docx) ... file"). Returns the content type; a ValidationError on "file" says
    what to fix."""
    name = (upload.name or "").lower()
    ending = next((e for e in types if name.endswith(e)), None)
    if ending is None:
        raise ValidationError({"file": _("Upload %(kinds)s.") % {"kinds": kinds}})
    if upload.size > max_bytes:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}})
    content_type, starts = types[ending]
    declared = (getattr(upload, "content_type", "") or mimetypes.guess_type(name)[0] or "").split(";")[0].strip()
    upload.seek(0)
    start = upload.read(max(len(s) for s in starts))
    upload.seek(0)
    if declared not in (content_type, "application/octet-stream") or not any(start.startswith(s) for s in starts):
        raise ValidationError({"file": _("The file is not what its name says (%(ending)s): save it again and upload "
                                         "it.") % {"ending": ending}})
    return content_type
