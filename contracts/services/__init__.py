"""Writes to the contracts register (records, alerts, imports). Callers use `from contracts import services`."""

from .alerts import act_by, alert_step, candidates_digest_send, contract_alerts_send  # noqa: F401
from .imports import IMPORT_COLUMNS, contracts_import_apply, contracts_import_check  # noqa: F401
from .records import (  # noqa: F401
    contract_create,
    contract_document_add,
    contract_record_decision,
    contract_update,
    contract_use_delete,
    contract_use_save,
    initiative_draft_from_candidate,
)
