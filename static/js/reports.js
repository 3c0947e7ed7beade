/*
 * Reports page: while a report listed on the page is queued or being made, ask the server for its status every
 * few seconds and update its row in place (status and files), announcing each change in the page's live
 * region. Without script the page works as it is, with its "Refresh the list" link.
 */
const table = document.querySelector('[data-report-table]');
const announcer = document.getElementById('report-announcer');
const POLL_MS = 3000;
const MAX_POLLS = 400;

function pendingRows() {
    return Array.from(table.querySelectorAll('tr[data-report-id]')).filter(
        (row) => row.dataset.reportStatus === 'queued' || row.dataset.reportStatus === 'running',
    );
}

function replaceCells(row, html) {
    const template = document.createElement('template');
    template.innerHTML = `<table><tbody><tr>${html}</tr></tbody></table>`;
    const fresh = template.content.querySelector('tr');
    ['status', 'files'].forEach((name) => {
        const now = row.querySelector(`[data-cell="${name}"]`);
        const next = fresh.querySelector(`[data-cell="${name}"]`);
        if (now && next) {
            now.replaceWith(next);
        }
    });
}

async function poll(count) {
    const rows = pendingRows();
    if (!rows.length || count > MAX_POLLS) {
        return;
    }
    const ids = rows.map((row) => row.dataset.reportId).join(',');
    try {
        const response = await fetch(`${table.dataset.statusUrl}?ids=${ids}`, {
            headers: { Accept: 'application/json' },
            credentials: 'same-origin',
        });
        if (response.ok) {
            const body = await response.json();
            const changes = [];
            body.reports.forEach((report) => {
                const row = table.querySelector(`tr[data-report-id="${report.id}"]`);
                if (row && row.dataset.reportStatus !== report.status) {
                    row.dataset.reportStatus = report.status;
                    replaceCells(row, report.html);
                    changes.push(report.announcement);
                }
            });
            if (changes.length && announcer) {
                announcer.textContent = changes.join('. ');
            }
        }
    } catch (error) {
        /* The network or the server is down for a moment: try again at the next tick. */
    }
    window.setTimeout(() => poll(count + 1), POLL_MS);
}

if (table) {
    window.setTimeout(() => poll(0), POLL_MS);
}
