// Your API tokens for scripts and machines, and your password.

import { emptyState, errorNotice, h, notice, replace, timeElement } from '../dom.js';

export async function render(app) {
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('div');

  async function refresh() {
    const { tokens } = await app.api.tokens();
    replace(list, tokens.length === 0 ? emptyState('No tokens', 'Make one for a script or a smart camera that pushes detections.')
      : h('table', { 'data-testid': 'tokens' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Camera'), h('th', {}, 'Made'), h('th', {}, 'Expires'), h('th', {}, ''))),
        h('tbody', {}, tokens.map((token) => h('tr', {},
          h('td', {}, token.name ?? '—'), h('td', {}, token.camera ?? 'any use'),
          h('td', {}, timeElement(token.created, { withDate: true, seconds: false })),
          h('td', {}, token.expires ? timeElement(token.expires, { withDate: true, seconds: false }) : 'never'),
          h('td', {}, h('button', { type: 'button', class: 'danger', onclick: async () => {
            try {
              await app.api.deleteToken(token.id);
              replace(message, notice('ok', 'Token revoked.'));
              await refresh();
            } catch (error) {
              replace(message, notice('error', error.message));
            }
          } }, 'Revoke')))))));
  }

  const name = h('input', { id: 'token-name', required: true, maxlength: 100 });
  const days = h('input', { id: 'token-days', type: 'number', min: 1, max: 3650, placeholder: 'never' });
  // A smart camera's token may only push that camera's detections; only operators make one.
  const camera = h('select', { id: 'token-camera' }, h('option', { value: '' }, 'none: any use of your role'));
  const tokenForm = h('form', { class: 'card form-grid', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const body = { name: name.value.trim() };
      if (days.value) body.expiresInDays = Number(days.value);
      if (camera.value) body.camera = camera.value;
      const created = await app.api.createToken(body);
      replace(message, h('div', { class: 'notice notice-ok', role: 'status' }, 'Copy this token now; it is not shown again: ',
        h('code', { class: 'secret', 'data-testid': 'new-token' }, created.token)));
      tokenForm.reset();
      await refresh();
    } catch (error) {
      replace(message, errorNotice(error));
    }
  } },
  h('h3', {}, 'Make a token'),
  h('div', { class: 'field' }, h('label', { for: 'token-name' }, 'Name'), name),
  h('div', { class: 'field' }, h('label', { for: 'token-days' }, 'Expires after (days)'), days),
  app.can('cameras.edit')
    ? h('div', { class: 'field' }, h('label', { for: 'token-camera' }, 'Only pushes detections of camera'), camera) : null,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Make token')));

  const current = h('input', { id: 'password-current', type: 'password', required: true, autocomplete: 'current-password' });
  const next = h('input', { id: 'password-new', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' });
  const passwordForm = h('form', { class: 'card form-grid', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await app.api.changePassword(current.value, next.value);
      passwordForm.reset();
      replace(message, notice('ok', 'Password changed; your other sessions and tokens were signed out.'));
      await refresh();
    } catch (error) {
      replace(message, notice('error', error.message));
    }
  } },
  h('h3', {}, 'Change your password'),
  h('div', { class: 'field' }, h('label', { for: 'password-current' }, 'Current password'), current),
  h('div', { class: 'field' }, h('label', { for: 'password-new' }, 'New password (10 to 72 bytes)'), next),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Change password')));

  const local = app.session.kind === 'local-setup';
  replace(root, h('div', { class: 'page-header' }, h('h2', {}, 'Tokens')), message,
    local ? notice('info', 'No user exists yet, so this machine acts as an administrator. Add a user first; tokens belong to users.') : null,
    h('div', { class: 'card table-wrap' }, list), local ? null : tokenForm, local ? null : passwordForm);
  if (!local) {
    try {
      if (app.can('cameras.edit')) {
        const { cameras } = await app.api.cameras();
        for (const item of cameras) camera.append(h('option', { value: item.id }, `${item.name} (${item.id})`));
      }
      await refresh();
    } catch (error) {
      replace(message, notice('error', error.message));
    }
  }
  return null;
}
