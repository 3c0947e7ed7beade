"""My council's task list in SQL: which updates a council owes, in which group and in what order, counted and
paged by the database (task_list.py turns the rows of one page into Tasks).

One statement with a common table per group, so a council with a thousand tasks costs the database a few
milliseconds and Python nothing per task: only the rows of the page shown are read as objects. Written for
PostgreSQL and SQLite alike (window functions, no vendor functions).

The groups (each update once, in the first group it belongs to):
- returned: updates the Digital Office returned, of any period, for the live initiatives the council reports on
  (leads or adopts); oldest period first;
- overdue: each closed period (as far back as settings.OVERDUE_LOOKBACK_PERIODS) a reporting council owed an update
  for (the initiative started, and the council had joined, by the period's end) with none submitted; latest period
  first;
- due: the open period's update of every reporting initiative started by its end; in reference order;
- following: the live initiatives the council only observes, with this period's update if any.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from .. import policies
from ..models import LIVE_STAGES, Initiative, Participation, ProgressUpdate, ReportingPeriod

TASK_LIST_GROUPS = ("returned", "overdue", "due", "following")
# An update counts as reported (not overdue, "done" on the task list) once it is submitted; approved stays done.
REPORTED_STATES = (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(name, values) -> tuple[str, dict]:
    """`IN (%(name_0)s, ...)` and its parameters."""
    params = {f"{name}_{number}": str(value) for number, value in enumerate(values)}
    return "(" + ", ".join(f"%({key})s" for key in params) + ")", params


def _tasks_cte(*, council_id, period, on: datetime.date) -> tuple[str, dict]:
    """The common tables, ending in `tasks` (grp, grp_order, initiative_id, period_id, update_id, state, rank):
    `rank` is the task's place in its group, from 1."""
    reporting_roles = [role for role in Participation.Role.values if policies.council_reports_progress(role)]
    observing_roles = [role for role in Participation.Role.values if not policies.council_reports_progress(role)]
    live, live_params = _in("live", LIVE_STAGES)
    reports, reports_params = _in("reports", reporting_roles)
    observes, observes_params = _in("observes", observing_roles or ["-"])
    reported, reported_params = _in("reported", REPORTED_STATES)
    tables = {
        "participation": _table(Participation),
        "initiative": _table(Initiative),
        "update": _table(ProgressUpdate),
        "period": _table(ReportingPeriod),
    }
    sql = f"""
WITH reporting AS (
    SELECT p.initiative_id, p.joined_on, i.start_date, i.reference
      FROM {tables["participation"]} p JOIN {tables["initiative"]} i ON i.id = p.initiative_id
     WHERE p.council_id = %(council)s AND p.role IN {reports} AND i.stage IN {live}
), returned AS (
    SELECT u.initiative_id, u.period_id, u.id AS update_id, u.state,
           ROW_NUMBER() OVER (ORDER BY rp.starts_on, r.reference) AS rank
      FROM {tables["update"]} u
      JOIN reporting r ON r.initiative_id = u.initiative_id
      JOIN {tables["period"]} rp ON rp.id = u.period_id
     WHERE u.state = %(returned)s
), closed AS (
    SELECT id, starts_on, ends_on FROM {tables["period"]}
     WHERE submission_due_on < %(on)s ORDER BY starts_on DESC LIMIT %(lookback)s
), taken_off AS (
    SELECT u.initiative_id, u.period_id FROM {tables["update"]} u JOIN reporting r ON r.initiative_id = u.initiative_id
     WHERE (u.state IN {reported} OR u.state = %(returned)s) AND u.period_id IN (SELECT id FROM closed)
), overdue AS (
    SELECT r.initiative_id, rp.id AS period_id, u.id AS update_id, u.state,
           ROW_NUMBER() OVER (ORDER BY rp.starts_on DESC, r.reference) AS rank
      FROM reporting r CROSS JOIN closed rp
      LEFT JOIN taken_off t ON t.initiative_id = r.initiative_id AND t.period_id = rp.id
      LEFT JOIN {tables["update"]} u ON u.initiative_id = r.initiative_id AND u.period_id = rp.id
     WHERE t.initiative_id IS NULL
       AND (r.start_date IS NOT NULL OR r.joined_on IS NOT NULL)
       AND (r.start_date IS NULL OR rp.ends_on >= r.start_date)
       AND (r.joined_on IS NULL OR rp.ends_on >= r.joined_on)
), due AS (
    SELECT r.initiative_id, rp.id AS period_id, u.id AS update_id, u.state,
           ROW_NUMBER() OVER (ORDER BY r.reference) AS rank
      FROM reporting r JOIN {tables["period"]} rp ON rp.id = %(period)s
      LEFT JOIN {tables["update"]} u ON u.initiative_id = r.initiative_id AND u.period_id = rp.id
      LEFT JOIN overdue o ON o.initiative_id = r.initiative_id AND o.period_id = rp.id
     WHERE r.start_date IS NOT NULL AND r.start_date <= rp.ends_on
       AND (u.state IS NULL OR u.state <> %(returned)s) AND o.initiative_id IS NULL
), following AS (
    SELECT p.initiative_id, u.period_id, u.id AS update_id, u.state,
           ROW_NUMBER() OVER (ORDER BY i.reference) AS rank
      FROM {tables["participation"]} p JOIN {tables["initiative"]} i ON i.id = p.initiative_id
      LEFT JOIN {tables["update"]} u ON u.initiative_id = p.initiative_id AND u.period_id = %(period)s
     WHERE p.council_id = %(council)s AND p.role IN {observes} AND i.stage IN {live}
), tasks AS (
    SELECT 'returned' AS grp, 1 AS grp_order, initiative_id, period_id, update_id, state, rank FROM returned
    UNION ALL SELECT 'overdue', 2, initiative_id, period_id, update_id, state, rank FROM overdue
    UNION ALL SELECT 'due', 3, initiative_id, period_id, update_id, state, rank FROM due
    UNION ALL SELECT 'following', 4, initiative_id, period_id, update_id, state, rank FROM following
)"""
    params = {
        "council": council_id,
        "period": period.pk if period else None,
        "on": on,
        "lookback": settings.OVERDUE_LOOKBACK_PERIODS,
        "returned": ProgressUpdate.State.RETURNED.value,
        **live_params, **reports_params, **observes_params, **reported_params,
    }
    return sql, params


@dataclass(frozen=True)
class TaskRow:
    """One task as the database lists it: the group, the initiative and period, and the update if begun."""

    group: str
    rank: int
    initiative_id: int
    period_id: int | None
    update_id: int | None


def _row_filter(windows: dict) -> tuple[str, dict]:
    """`WHERE` for the rows of one window (offset, limit) of each group named in `windows`."""
    clauses, params = [], {}
    for number, (group, (offset, limit)) in enumerate(windows.items()):
        clauses.append(f"(grp = %(g{number})s AND rank > %(lo{number})s AND rank <= %(hi{number})s)")
        params |= {f"g{number}": group, f"lo{number}": offset, f"hi{number}": offset + limit}
    return " OR ".join(clauses) or "1 = 0", params


def task_counts_and_rows(*, council_id, period, on, windows: dict) -> tuple[dict, list[TaskRow]]:
    """How many tasks each group holds, by state ({group: {state or None: count}}), and the rows of each group's
    window (`windows`: {group: (offset, limit)}), in the list's order. One query."""
    cte, params = _tasks_cte(council_id=council_id, period=period, on=on)
    where, window_params = _row_filter(windows)
    sql = f"""{cte}
SELECT grp, grp_order, state, COUNT(*) AS n, NULL AS initiative_id, NULL AS period_id, NULL AS update_id
  FROM tasks GROUP BY grp, grp_order, state
UNION ALL
SELECT grp, grp_order, state, rank, initiative_id, period_id, update_id FROM tasks WHERE {where}"""
    counts = {group: {} for group in TASK_LIST_GROUPS}
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **window_params})
        result = cursor.fetchall()
    # A count has no initiative; a row always has one.
    for group, _order, state, number, initiative_id, period_id, update_id in result:
        if initiative_id is None:
            counts[group][state] = number
        else:
            rows.append(TaskRow(group, number, initiative_id, period_id, update_id))
    rows.sort(key=lambda row: (TASK_LIST_GROUPS.index(row.group), row.rank))
    return counts, rows


def to_do_rows(*, council_id, period, on, offset: int, limit: int) -> list[TaskRow]:
    """The tasks still to do (neither submitted nor approved), across the groups in the list's order: a window of
    `limit` from `offset`. One query."""
    cte, params = _tasks_cte(council_id=council_id, period=period, on=on)
    reported, reported_params = _in("done", REPORTED_STATES)
    sql = f"""{cte}
SELECT grp, rank, initiative_id, period_id, update_id FROM tasks
 WHERE grp <> 'following' AND (state IS NULL OR state NOT IN {reported})
 ORDER BY grp_order, rank LIMIT %(limit)s OFFSET %(offset)s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **reported_params, "limit": limit, "offset": offset})
        return [TaskRow(*row) for row in cursor.fetchall()]
