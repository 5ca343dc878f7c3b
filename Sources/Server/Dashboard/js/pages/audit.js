// The audit trail (administrators): who changed what, when and from where.

import { emptyState, errorNotice, h, notice, replace, timeElement } from '../dom.js';
import { fromLocalInput, isoSeconds } from '../time.js';

export async function render(app) {
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  if (!app.can('audit.read')) {
    replace(root, h('h2', {}, 'Audit'), notice('error', 'Only administrators read the audit trail.'));
    return null;
  }
  const users = await app.api.users().then((answer) => answer.users).catch(() => []);
  const user = h('select', { id: 'audit-user' }, h('option', { value: '' }, 'anyone'),
    users.map((u) => h('option', { value: u.id }, u.username)));
  const action = h('input', { id: 'audit-action', placeholder: 'camera.update' });
  const target = h('input', { id: 'audit-target', placeholder: 'camera:door' });
  const from = h('input', { id: 'audit-from', type: 'datetime-local' });
  const results = h('div', { class: 'card table-wrap' });

  async function load(event) {
    event?.preventDefault();
    const params = { limit: 500 };
    if (user.value) params.user = user.value;
    if (action.value.trim()) params.action = action.value.trim();
    if (target.value.trim()) params.target = target.value.trim();
    const start = fromLocalInput(from.value);
    if (Number.isFinite(start)) params.from = isoSeconds(start);
    try {
      const { entries } = await app.api.audit(params);
      replace(results, entries.length === 0 ? emptyState('Nothing matches', 'Every change to cameras, lines, users and sign-ins is written here.')
        : h('table', { 'data-testid': 'audit' },
          h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Who'), h('th', {}, 'From'), h('th', {}, 'Action'), h('th', {}, 'Target'), h('th', {}, 'Change'))),
          h('tbody', {}, entries.map((entry) => h('tr', {},
            h('td', {}, timeElement(entry.time, { withDate: true })), h('td', {}, entry.user ?? '—'), h('td', {}, entry.address ?? '—'),
            h('td', {}, h('code', {}, entry.action)), h('td', {}, entry.target),
            h('td', {}, entry.before || entry.after ? h('details', {}, h('summary', {}, 'show'),
              entry.before ? h('pre', {}, `before: ${pretty(entry.before)}`) : null,
              entry.after ? h('pre', {}, `after: ${pretty(entry.after)}`) : null) : '—'))))));
    } catch (error) {
      replace(results, errorNotice(error));
    }
  }

  replace(root, h('div', { class: 'page-header' }, h('h2', {}, 'Audit trail')),
    h('form', { class: 'card controls', onsubmit: load },
      h('div', { class: 'field' }, h('label', { for: 'audit-user' }, 'User'), user),
      h('div', { class: 'field' }, h('label', { for: 'audit-action' }, 'Action'), action),
      h('div', { class: 'field' }, h('label', { for: 'audit-target' }, 'Target'), target),
      h('div', { class: 'field' }, h('label', { for: 'audit-from' }, 'Since'), from),
      h('button', { type: 'submit', class: 'primary' }, 'Show')),
    results);
  await load();
  return null;
}

/** The audit trail keeps before and after as JSON text: shown indented, or as it is if it is not JSON. */
function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 1);
  } catch {
    return text;
  }
}
