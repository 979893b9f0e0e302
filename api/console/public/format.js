// Formatting shared by the screens: instants, live countdowns, the status badge. The words for
// codes are in labels.js.
import { h } from './dom.js';
import { INCIDENT_STATUS_LABELS, label } from './labels.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const number = new Intl.NumberFormat();

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** '5 Mar 2026, 14:30' in the browser's time zone; '—' for null. */
export function when(iso) {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export const count = (n) => number.format(n);

/** 0–100, rounded down so that 99.9 % never shows as 100 %. */
export const percent = (part, whole) => (whole > 0 ? Math.floor((part / whole) * 100) : 0);

/** A `<time>` element with the full instant as its tooltip. */
export function timeEl(iso) {
  return iso ? h('time', { datetime: iso, title: new Date(iso).toString() }, when(iso)) : '—';
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How urgent a due time is: overdue, under 24 h, under 72 h, or later. */
export function urgency(msLeft) {
  if (msLeft < 0) return 'overdue';
  if (msLeft < DAY) return 'critical';
  if (msLeft < 3 * DAY) return 'soon';
  return 'later';
}

function span(ms) {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / DAY);
  const hrs = Math.floor((abs % DAY) / HOUR);
  const min = Math.floor((abs % HOUR) / 60_000);
  const sec = Math.floor((abs % 60_000) / 1000);
  const pad = (n) => String(n).padStart(2, '0');
  // Seconds tick only when they matter: inside three days, or once overdue.
  if (abs >= 3 * DAY && ms > 0) return `${d}d ${hrs}h ${pad(min)}m`;
  return `${d > 0 ? `${d}d ` : ''}${hrs}h ${pad(min)}m ${pad(sec)}s`;
}

function countdownText(dueAt, now = Date.now()) {
  const left = new Date(dueAt).getTime() - now;
  return { text: left < 0 ? `overdue by ${span(left)}` : `in ${span(left)}`, level: urgency(left) };
}

/**
 * A countdown to `dueAt` that ticks every second (see startCountdowns) and is coloured by urgency.
 * The words say the same as the colour, for those who cannot see it.
 */
export function countdown(dueAt) {
  const { text, level } = countdownText(dueAt);
  return h(
    'span',
    { class: `due due--${level}`, dataset: { due: dueAt }, title: `Due ${new Date(dueAt).toString()}` },
    text,
  );
}

/** One timer for every countdown on the page. */
export function startCountdowns() {
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll('[data-due]')) {
      const { text, level } = countdownText(el.dataset.due, now);
      if (el.textContent !== text) el.textContent = text;
      el.className = `due due--${level}`;
    }
  }, 1000);
}

export function statusBadge(status) {
  return h('span', { class: `badge badge--${status}` }, label(INCIDENT_STATUS_LABELS, status));
}

/** A law rule's doubt, folded away: shown with the rules and with the obligations alike. */
export const uncertain = (text) =>
  text
    ? h('details', { class: 'uncertain' }, h('summary', {}, 'Uncertain'), h('p', { class: 'muted' }, text))
    : null;
