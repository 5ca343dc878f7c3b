// Users of this tenant: add, change role, reset password, sign out everywhere, remove (administrators).

import { errorNotice, h, notice, replace, timeElement } from '../dom.js';

const ROLES = ['viewer', 'operator', 'admin'];

export async function render(app) {
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  if (!app.can('users.manage')) {
    replace(root, h('h2', {}, 'Users'), notice('error', 'Only administrators manage users.'));
    return null;
  }
  const message = h('div', { 'aria-live': 'polite' });
  const table = h('tbody');

  /** Shows how `promise` ended and reads the users again either way; true when it succeeded. */
  async function act(promise, done) {
    let succeeded = false;
    try {
      await promise;
      replace(message, notice('ok', done));
      succeeded = true;
    } catch (error) {
      replace(message, errorNotice(error));
    }
    // Also after a refusal, so that no control shows what was not stored.
    await refresh().catch(() => {});
    return succeeded;
  }

  async function refresh() {
    const { users } = await app.api.users();
    replace(table, users.map((user) => {
      const role = h('select', { 'aria-label': `Role of ${user.username}`, onchange: (e) => act(app.api.updateUser(user.id, { role: e.target.value }), `${user.username} is now ${e.target.value}.`) },
        ROLES.map((r) => h('option', { value: r, selected: r === user.role }, r)));
      return h('tr', { dataset: { user: user.username } },
        h('td', {}, user.username), h('td', {}, role), h('td', {}, user.sites.length ? user.sites.join(', ') : 'all'),
        h('td', {}, timeElement(user.created, { withDate: true, seconds: false })),
        h('td', { class: 'row-actions' },
          h('button', { type: 'button', onclick: () => {
            const password = window.prompt(`New password for ${user.username} (10 to 72 bytes). They are signed out everywhere.`);
            if (password) act(app.api.updateUser(user.id, { password }), `Password of ${user.username} changed.`);
          } }, 'Reset password'),
          h('button', { type: 'button', onclick: () => act(app.api.signOutUser(user.id), `${user.username} was signed out everywhere.`) }, 'Sign out everywhere'),
          h('button', { type: 'button', onclick: async () => {
            const name = window.prompt(`A name for the new API token of ${user.username} (a script, a smart camera):`);
            if (!name) return;
            try {
              const created = await app.api.createTokenFor(user.id, { name });
              replace(message, h('div', { class: 'notice notice-ok', role: 'status' }, `Token for ${user.username}; copy it now, it is not shown again: `,
                h('code', { class: 'secret' }, created.token)));
            } catch (error) {
              replace(message, errorNotice(error));
            }
          } }, 'Make token'),
          user.id === app.session.user.id ? null : h('button', { type: 'button', class: 'danger', onclick: () => {
            if (window.confirm(`Remove ${user.username}?`)) act(app.api.deleteUser(user.id), `${user.username} was removed.`);
          } }, 'Remove')));
    }));
  }

  const username = h('input', { id: 'new-username', required: true, autocomplete: 'off' });
  const password = h('input', { id: 'new-password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' });
  const role = h('select', { id: 'new-role' }, ROLES.map((r) => h('option', { value: r }, r)));
  const form = h('form', { class: 'card form-grid', 'data-testid': 'add-user', onsubmit: (event) => {
    event.preventDefault();
    act(app.api.createUser({ username: username.value.trim(), password: password.value, role: role.value }), `${username.value.trim()} was added.`)
      .then((succeeded) => { if (succeeded) form.reset(); });
  } },
  h('h3', {}, 'Add a user'),
  h('div', { class: 'field' }, h('label', { for: 'new-username' }, 'User name'), username),
  h('div', { class: 'field' }, h('label', { for: 'new-password' }, 'Password'), password),
  h('div', { class: 'field' }, h('label', { for: 'new-role' }, 'Role'), role),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add user')));

  replace(root, h('div', { class: 'page-header' }, h('h2', {}, 'Users')), message,
    h('div', { class: 'card table-wrap' }, h('table', { 'data-testid': 'users' },
      h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Role'), h('th', {}, 'Sites'), h('th', {}, 'Added'), h('th', {}, ''))), table)),
    form,
    h('p', { class: 'muted small' }, 'Viewers read; operators also manage cameras, lines and zones; administrators also manage users, sites and read the audit trail.'));
  try {
    await refresh();
  } catch (error) {
    replace(message, notice('error', error.message));
  }
  return null;
}
