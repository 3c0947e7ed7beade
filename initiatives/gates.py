"""Stage gates: checks that an app above the portfolio adds to an initiative's change of stage, without the
portfolio importing it (imports go down the layers). The practice library registers one (README "Practice
library": lessons at every stage gate and at closure); `initiative_update` runs them before it saves.

A gate is a callable `gate(*, initiative, old_stage, new_stage)` that raises ValidationError({"stage": ...})
saying what to do first, or returns None to let the change through.
"""

_GATES = []


def register_stage_gate(gate):
    if gate not in _GATES:
        _GATES.append(gate)
    return gate


def check_stage_change(*, initiative, old_stage, new_stage):
    for gate in list(_GATES):
        gate(initiative=initiative, old_stage=old_stage, new_stage=new_stage)
