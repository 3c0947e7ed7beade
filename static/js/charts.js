/*
 * Charts of the strategy pages, drawn with Chart.js (vendor/chart.js/chart.umd.js, loaded first).
 *
 * Each chart is a <canvas data-chart="ID" role="img" aria-label="..."> whose data sits in
 * <script id="ID" type="application/json"> (Django's json_script), shaped by strategy/selectors.py:
 *
 *   {type: "line" | "bar", stacked: bool, labels: [...],
 *    datasets: [{label, data, style: "series" | "minor" | "points" | "target" | "bar", type?}],
 *    x: {title}, y: {title, min, max, stepSize, beginAtZero, tickLabels: {"1": "name", ...}}}
 *
 * Every chart has a data table beside it: the table, not the canvas, is what screen readers use.
 * Series differ by dash and point shape as well as colour, so colour is never the only cue.
 */
(function () {
    'use strict';

    const Chart = window.Chart;
    if (!Chart) {
        return;
    }

    const reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    /* Dark enough for 3:1 against white (WCAG 1.4.11), and told apart by colour-blind readers. */
    const PALETTE = ['#0065bd', '#c2410c', '#00745f', '#7c3aad', '#333333', '#a16207', '#be185d', '#1e3a8a'];
    const DASHES = [[], [6, 3], [2, 3], [10, 4, 2, 4], [4, 4], [1, 2]];
    const POINTS = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star'];
    const TEXT = '#333333';

    Chart.defaults.color = TEXT;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || Chart.defaults.font.family;
    Chart.defaults.font.size = 14;

    function dataset(spec, index) {
        const colour = PALETTE[index % PALETTE.length];
        const base = {label: spec.label, data: spec.data};
        if (spec.type) {
            base.type = spec.type;
        }
        switch (spec.style) {
        case 'target':
            return Object.assign(base, {
                type: spec.type || 'line', borderColor: TEXT, backgroundColor: TEXT, borderDash: [8, 5],
                borderWidth: 2, pointRadius: 0, pointHoverRadius: 0, fill: false, order: -1,
            });
        case 'points':
            return Object.assign(base, {
                showLine: false, borderColor: colour, backgroundColor: colour, pointStyle: 'triangle',
                pointRadius: 6, pointHoverRadius: 8,
            });
        case 'minor':
            return Object.assign(base, {
                borderColor: colour, backgroundColor: colour, borderWidth: 1.5,
                borderDash: DASHES[(index % (DASHES.length - 1)) + 1], pointStyle: POINTS[index % POINTS.length],
                pointRadius: 3, spanGaps: true,
            });
        case 'bar':
            return Object.assign(base, {backgroundColor: colour, borderColor: '#ffffff', borderWidth: 1});
        default:
            return Object.assign(base, {
                borderColor: colour, backgroundColor: colour, borderWidth: 3, pointRadius: 4,
                pointStyle: POINTS[index % POINTS.length], spanGaps: true,
            });
        }
    }

    function axis(spec, stacked) {
        spec = spec || {};
        const options = {stacked: Boolean(stacked), title: {display: Boolean(spec.title), text: spec.title || ''}};
        if (spec.min !== undefined) {
            options.min = spec.min;
        }
        if (spec.max !== undefined) {
            options.max = spec.max;
        }
        if (spec.beginAtZero !== undefined) {
            options.beginAtZero = spec.beginAtZero;
        }
        options.ticks = {};
        if (spec.stepSize) {
            options.ticks.stepSize = spec.stepSize;
        }
        if (spec.tickLabels) {
            options.ticks.callback = function (value) {
                return spec.tickLabels[String(value)] || value;
            };
        }
        return options;
    }

    function tooltipLabel(context) {
        const raw = context.raw;
        const value = raw && typeof raw === 'object' ? raw.y : raw;
        const name = raw && typeof raw === 'object' && raw.name ? raw.name : context.dataset.label;
        return name + ': ' + value;
    }

    function draw(canvas) {
        const source = document.getElementById(canvas.dataset.chart);
        if (!source) {
            return;
        }
        const spec = JSON.parse(source.textContent);
        /* The canvas itself is one image to assistive technology; its label and the table carry the data. */
        canvas.setAttribute('role', 'img');
        new Chart(canvas, {
            type: spec.type || 'line',
            data: {labels: spec.labels, datasets: spec.datasets.map(dataset)},
            options: {
                responsive: true,
                maintainAspectRatio: true,
                aspectRatio: 2,
                animation: reduceMotion ? false : {duration: 400},
                interaction: {mode: 'nearest', intersect: false},
                scales: {x: axis(spec.x, spec.stacked), y: axis(spec.y, spec.stacked)},
                plugins: {
                    legend: {position: 'bottom', labels: {usePointStyle: true}},
                    tooltip: {callbacks: {label: tooltipLabel}},
                },
            },
        });
    }

    document.querySelectorAll('canvas[data-chart]').forEach(draw);
}());
