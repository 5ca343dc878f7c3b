// Wires the dashboard: session, live hub, header and router. Pages live in ./pages.

import { createAPI } from './api.js';
import { h, replace } from './dom.js';
import { LiveHub } from './live-hub.js';
import { can } from './permissions.js';
import { hashFor, parseRoute } from './router.js';
import * as alerts from './pages/alerts.js';
import * as audit from './pages/audit.js';
import * as cameraSetup from './pages/camera-setup.js';
import * as events from './pages/events.js';
import * as history from './pages/history.js';
import * as login from './pages/login.js';
import * as overview from './pages/overview.js';
import * as sites from './pages/sites.js';
import * as tokens from './pages/tokens.js';
import * as users from './pages/users.js';
import * as workers from './pages/workers.js';

const PAGES = {
  overview, login, 'camera-setup': cameraSetup, events, history, users, sites, tokens, audit, alerts, workers,
};

const app = {
  api: null,
  session: null,
  hub: null,
  main: document.getElementById('main'),
  page: null,
  navigate(page, params = {}, query = {}) {
    const hash = hashFor(page, params, query);
    if (window.location.hash === hash) show();
    else window.location.hash = hash;
  },
  can(action) {
    return app.session !== null && can(app.session.user.role, action);
  },
  async signedIn(session) {
    app.session = session;
    renderHeader();
    app.hub?.stop();
    app.hub = new LiveHub(app.api, { onConnection: showConnection });
    app.hub.start();
    await app.hub.reload().catch(() => {});
  },
  async signOut() {
    try {
      await app.api.signOut();
    } catch {
      // Signed out already, or the server is away: forget the session here either way.
    }
    app.hub?.stop();
    app.hub = null;
    app.session = null;
    renderHeader();
    app.navigate('login');
  },
};

app.api = createAPI({ onUnauthorized: () => forgetSession() });

function showConnection(state) {
  const banner = document.getElementById('connection-banner');
  const lost = state === 'lost';
  banner.hidden = !lost;
  document.body.dataset.live = state;
  // The stream also ends when the session does: then signing in again is what helps.
  if (lost && app.session !== null) {
    app.api.checkSession().then((check) => {
      if (!check.signedIn) forgetSession();
    }).catch(() => {});
  }
}

/** The session ended elsewhere (expired, revoked): back to the sign-in page. */
function forgetSession() {
  if (app.session === null) return;
  app.hub?.stop();
  app.hub = null;
  app.session = null;
  showConnection('open');
  renderHeader();
  app.navigate('login');
}

/** Tells the CSS how tall the sticky header is, so that sticky toolbars sit just below it. */
function measureHeader() {
  const header = document.querySelector('.site-header');
  document.documentElement.style.setProperty('--header-height', `${header.offsetHeight}px`);
}

function renderHeader() {
  renderHeaderContent();
  measureHeader();
}

function renderHeaderContent() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!app.session) {
    replace(nav);
    replace(who);
    return;
  }
  const link = (page, text) => h('a', { href: hashFor(page), dataset: { page } }, text);
  replace(nav,
    link('overview', 'Overview'),
    link('history', 'History'),
    link('alerts', 'Alerts'),
    app.can('users.manage') ? link('users', 'Users') : null,
    link('sites', 'Sites'),
    link('tokens', 'Tokens'),
    link('workers', 'Workers'),
    app.can('audit.read') ? link('audit', 'Audit') : null);
  const { user, kind } = app.session;
  replace(who,
    h('span', { class: 'who-name', 'data-testid': 'user-name' }, user.username),
    h('span', { class: `role role-${user.role}`, 'data-testid': 'user-role' }, user.role),
    kind === 'local-setup'
      ? h('span', { class: 'muted', title: 'No user exists yet: this machine acts as an administrator' }, 'first-run setup')
      : h('button', { type: 'button', class: 'link-button', 'data-testid': 'sign-out', onclick: () => app.signOut() }, 'Sign out'));
}

function markNav(page) {
  for (const a of document.querySelectorAll('#nav a')) {
    const current = a.dataset.page === page || (page === 'camera-setup' && a.dataset.page === 'overview');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function show() {
  const route = parseRoute(window.location.hash);
  if (app.session === null && route.page !== 'login') {
    app.navigate('login', {}, { next: window.location.hash.replace(/^#/, '') || undefined });
    return;
  }
  app.page?.dispose?.();
  app.page = null;
  markNav(route.page);
  const module = PAGES[route.page];
  if (!module) {
    replace(app.main, h('section', { class: 'page' }, h('h2', {}, 'Not found'), h('p', {}, h('a', { href: hashFor('overview') }, 'Back to the overview'))));
    return;
  }
  // A page may still be loading when the address changes again: only the newest one stays.
  const generation = ++showGeneration;
  app.main.setAttribute('aria-busy', 'true');
  try {
    const page = (await module.render(app, route)) ?? null;
    if (generation === showGeneration) app.page = page;
    else page?.dispose?.();
  } finally {
    if (generation === showGeneration) app.main.removeAttribute('aria-busy');
  }
}

let showGeneration = 0;

async function start() {
  window.addEventListener('hashchange', () => show());
  window.addEventListener('resize', measureHeader);
  try {
    // Asking first whether this browser is signed in keeps a signed-out visit free of refused requests.
    const check = await app.api.checkSession();
    if (check.signedIn) await app.signedIn(await app.api.currentSession());
    else renderHeader();
  } catch {
    app.session = null;
    renderHeader();
  }
  await show();
}

start();
