// Sign in.

import { h, notice, replace } from '../dom.js';

export async function render(app, route) {
  if (app.session) {
    app.navigate('overview');
    return null;
  }
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, 'Sign in');
  const form = h('form', { class: 'card login', onsubmit: submit },
    h('h2', {}, 'Sign in to Footfall'),
    h('label', { for: 'login-username' }, 'User name'), username,
    h('label', { for: 'login-password' }, 'Password'), password,
    message, button,
    h('p', { class: 'muted small' }, 'No user yet? On the server run ', h('code', {}, 'footfall user add --admin NAME'), '.'));

  async function submit(event) {
    event.preventDefault();
    button.disabled = true;
    replace(message);
    try {
      await app.api.signIn(username.value.trim(), password.value);
      await app.signedIn(await app.api.currentSession());
      const next = route.query.next;
      if (next && next.startsWith('/') && next !== '/login') window.location.hash = `#${next}`;
      else app.navigate('overview');
    } catch (error) {
      replace(message, notice('error', error.status === 401 ? 'That user name and password do not match.' : error.message));
      password.select();
    } finally {
      button.disabled = false;
    }
  }

  replace(app.main, h('section', { class: 'page page-narrow' }, form));
  username.focus();
  return null;
}
