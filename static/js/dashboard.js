/*
 * The dashboard's map of the councils: pointing to a council or tabbing to it shows its figures in the panel
 * beside the map (a live region). Each cell is a link that filters the dashboard to that council; the table
 * after the map gives the same figures without any script.
 */
(function () {
    'use strict';

    const panel = document.querySelector('[data-map-panel]');
    if (!panel) {
        return;
    }
    const cells = document.querySelectorAll('.portal-hex[data-council]');

    function line(label, value) {
        const item = document.createElement('li');
        item.textContent = label + ': ' + value;
        return item;
    }

    function show(cell) {
        const data = cell.dataset;
        const heading = document.createElement('p');
        const name = document.createElement('strong');
        name.textContent = data.name;
        heading.appendChild(name);
        heading.appendChild(document.createTextNode(' – ' + data.measureText));
        const list = document.createElement('ul');
        list.className = 'portal-plain-list';
        list.appendChild(line(panel.dataset.ledLabel || 'Leads', data.led));
        list.appendChild(line(panel.dataset.joinedLabel || 'Joins', data.joined));
        list.appendChild(line(panel.dataset.dueLabel || 'Updates owed', data.due));
        list.appendChild(line(panel.dataset.overdueLabel || 'Overdue', data.overdue));
        if (data.returned !== undefined) {
            list.appendChild(line(panel.dataset.returnedLabel || 'Returned', data.returned));
        }
        if (data.maturity !== undefined) {
            list.appendChild(line(panel.dataset.maturityLabel || 'Maturity', data.maturity || '–'));
        }
        panel.replaceChildren(heading, list);
        cells.forEach(function (other) {
            other.classList.toggle('portal-hex--active', other === cell);
        });
    }

    cells.forEach(function (cell) {
        cell.addEventListener('mouseenter', function () { show(cell); });
        cell.addEventListener('focus', function () { show(cell); });
    });
}());
