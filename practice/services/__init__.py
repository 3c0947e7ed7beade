"""Writes to the practice library (assets, adoptions, lessons). Callers use `from practice import services`."""

from .adoptions import (  # noqa: F401
    RECONFIRM_AFTER_DAYS,
    RECONFIRM_GRACE_DAYS,
    adoption_benefits_set,
    adoption_confirm,
    adoption_declare,
    adoption_reconfirm,
    adoptions_reconfirm_due,
)
from .assets import (  # noqa: F401
    ASSET_FIELDS,
    asset_create,
    asset_file_add,
    asset_publish,
    asset_retire,
    asset_return,
    asset_submit,
    asset_update,
    assets_review_due,
)
from .lessons import lesson_record, stage_needs_lessons  # noqa: F401
