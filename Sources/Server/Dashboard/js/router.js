// Pages live behind the URL's hash (`#/cameras/door/setup`), so the server serves one page and
// a reload keeps the place.

const ROUTES = [
  { pattern: /^\/?$/, page: 'overview' },
  { pattern: /^\/login$/, page: 'login' },
  { pattern: /^\/cameras\/new$/, page: 'camera-setup', params: () => ({ id: null }) },
  { pattern: /^\/cameras\/([^/]+)\/setup$/, page: 'camera-setup', params: (m) => ({ id: m[1] }) },
  { pattern: /^\/cameras\/([^/]+)\/events$/, page: 'events', params: (m) => ({ id: m[1] }) },
  { pattern: /^\/history$/, page: 'history' },
  { pattern: /^\/users$/, page: 'users' },
  { pattern: /^\/sites$/, page: 'sites' },
  { pattern: /^\/tokens$/, page: 'tokens' },
  { pattern: /^\/audit$/, page: 'audit' },
  { pattern: /^\/alerts$/, page: 'alerts' },
  { pattern: /^\/workers$/, page: 'workers' },
];

/**
 * The page a hash names, with its parameters and query: `#/history?camera=door` →
 * `{page: 'history', params: {}, query: {camera: 'door'}}`. Unknown hashes name `not-found`.
 */
export function parseRoute(hash) {
  const text = (hash || '').replace(/^#/, '');
  const [path, search = ''] = text.split('?');
  const query = Object.fromEntries(new URLSearchParams(search));
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match) {
      const params = route.params ? route.params(match) : {};
      try {
        for (const key of Object.keys(params)) {
          if (params[key] !== null) params[key] = decodeURIComponent(params[key]);
        }
      } catch {
        return { page: 'not-found', params: {}, query };
      }
      return { page: route.page, params, query };
    }
  }
  return { page: 'not-found', params: {}, query };
}

/** The hash for a page: `hashFor('camera-setup', {id: 'door'})` → `#/cameras/door/setup`. */
export function hashFor(page, params = {}, query = {}) {
  const id = params.id === undefined || params.id === null ? null : encodeURIComponent(params.id);
  const paths = {
    overview: '/',
    login: '/login',
    'camera-setup': id === null ? '/cameras/new' : `/cameras/${id}/setup`,
    events: `/cameras/${id}/events`,
    history: '/history',
    users: '/users',
    sites: '/sites',
    tokens: '/tokens',
    audit: '/audit',
    alerts: '/alerts',
    workers: '/workers',
  };
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const tail = search.toString();
  return `#${paths[page] ?? '/'}${tail ? `?${tail}` : ''}`;
}
