/*
 * Digital Office portal: starts the Scottish Government Design System's scripts.
 *
 * base.html loads vendor/design-system/scripts/design-system.js and then this file, both as
 * modules, so they run in that order after the page has been parsed. design-system.js puts the
 * Design System on window.DS but starts nothing itself: DS.initAll() finds every component on the
 * page (data-module="ds-...": mobile navigation, accordions, tabs, details, notification close
 * buttons...) and the skip links.
 */
const DS = window.DS;

document.documentElement.classList.add('js-enabled');
document.body.classList.add('js-enabled');

if (DS && typeof DS.initAll === 'function') {
    DS.initAll();
}

/*
 * Error summary (includes/error_summary.html): move focus to it when the page loads, so keyboard
 * and screen reader users meet the list of problems first, as the GOV.UK and SG patterns ask.
 */
const errorSummary = document.querySelector('[data-module="portal-error-summary"]');
if (errorSummary) {
    errorSummary.focus();

    /* A link in the summary moves focus to its field and scrolls so the field's label shows too. */
    errorSummary.addEventListener('click', (event) => {
        const link = event.target.closest('a[href^="#"]');
        if (!link) {
            return;
        }
        const input = document.getElementById(link.getAttribute('href').slice(1));
        if (!input) {
            return;
        }
        event.preventDefault();
        const question = input.closest('.ds_question') || input;
        const legendOrLabel = question.querySelector('legend, label');
        (legendOrLabel || question).scrollIntoView();
        input.focus({ preventScroll: true });
    });
}

/*
 * A banner that reports what the person just did (includes/notification_banner.html with focus=True, such as
 * "Update submitted" on My council) takes focus when the page loads, unless the page has an error summary:
 * a keyboard or screen reader user starts from it, and the next Tab reaches the link to the next task.
 */
if (!errorSummary) {
    const banner = document.querySelector('[data-portal-focus]');
    if (banner) {
        banner.focus();
    }
}
