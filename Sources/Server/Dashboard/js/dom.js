// Small helpers for building the page without a framework.

import { formatLocal, formatUTC } from './time.js';

/**
 * An element: `h('button', {class: 'primary', onclick: f}, 'Save')`. Attributes starting with
 * `on` become listeners; `null`, `undefined` and `false` attributes are left out; children may
 * be strings, nodes, arrays or nothing.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces everything inside `element` with `children`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A `<time>` in the browser's time zone with UTC on hover. */
export function timeElement(value, options = {}) {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return h('span', {}, '—');
  return h('time', { datetime: new Date(ms).toISOString(), title: formatUTC(ms) }, formatLocal(ms, options));
}

/** Sets a text only when it changed, so numbers update without flicker or lost selections. */
export function setText(element, text) {
  const value = String(text);
  if (element.textContent !== value) element.textContent = value;
}

/** A number for people: `12,345`. */
export function formatCount(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString() : '—';
}

/** An empty state that says what to do next. */
export function emptyState(title, text, action = null) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), text ? h('p', {}, text) : null, action);
}

/** An error notice for a refused request, naming the field the API named. */
export function errorNotice(error) {
  return notice('error', error.field ? `${error.field}: ${error.message}` : error.message);
}

/** A message in the page's notice area: `kind` is `error`, `ok` or `info`. */
export function notice(kind, text) {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
