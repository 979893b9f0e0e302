// Formatting shared by the screens: instants, live countdowns, labels for statuses and categories.
import { h } from './dom.js';

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

export const STATUS_LABELS = {
  identifying: 'Identifying affected',
  drafting: 'Drafting notice',
  awaiting_approval: 'Awaiting approval',
  delivering: 'Delivering',
  completed: 'Completed',
  closed_no_notice: 'Closed, no notice',
};

export const FINAL_STATUSES = ['completed', 'closed_no_notice'];

export function statusBadge(status) {
  return h('span', { class: `badge badge--${status}` }, STATUS_LABELS[status] ?? humanise(status));
}

/** 'payment_card' → 'Payment card'. */
export function humanise(code) {
  const s = String(code).replaceAll('_', ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const CATEGORY_LABELS = {
  ssn: 'Social Security number',
  tax_id: 'Tax ID',
  ip_address: 'IP address',
  drivers_license: "Driver's licence",
};
export const categoryLabel = (c) => CATEGORY_LABELS[c] ?? humanise(c);

export const AUDIENCE_LABELS = {
  individuals: 'Individuals',
  regulator: 'Regulator',
  consumer_reporting_agencies: 'Consumer reporting agencies',
  media: 'Media',
};
