// The REST API, as the dashboard uses it. Requests carry the session cookie; errors become
// `APIError`s that name the field the API named.

/** An answer the API refused: `status`, `field` (the input at fault, if any) and `message`. */
export class APIError extends Error {
  constructor(status, message, field = null) {
    super(message);
    this.name = 'APIError';
    this.status = status;
    this.field = field;
  }
}

/**
 * A client for `base` (`/api/v1`). `onUnauthorized` is called when a request finds the
 * session gone, so the page can ask to sign in again.
 */
export function createAPI({ base = '/api/v1', fetchFunction = (...args) => fetch(...args), onUnauthorized = () => {}, timeoutMs = 15000 } = {}) {
  async function request(method, path, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetchFunction(`${base}${path}`, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (error) {
      throw new APIError(0, error?.name === 'AbortError' ? 'The server did not answer in time.' : 'The server cannot be reached.');
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401 && path !== '/sessions') onUnauthorized();
    if (!response.ok) {
      let field = null;
      let message = `The server answered ${response.status}.`;
      try {
        const problem = await response.json();
        field = problem?.error?.field ?? null;
        message = problem?.error?.message ?? message;
      } catch {
        // Not JSON: keep the status text.
      }
      throw new APIError(response.status, message, field);
    }
    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') ?? '';
    return type.includes('application/json') ? response.json() : response.blob();
  }

  const query = (params) => {
    const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null));
    const text = search.toString();
    return text ? `?${text}` : '';
  };
  const camera = (id) => `/cameras/${encodeURIComponent(id)}`;

  return {
    request,
    signIn: (username, password) => request('POST', '/sessions', { username, password }),
    signOut: () => request('DELETE', '/sessions/current'),
    checkSession: () => request('GET', '/sessions/check'),
    currentSession: () => request('GET', '/sessions/current'),
    changePassword: (current, next) => request('PUT', '/sessions/current/password', { current, new: next }),
    cameras: () => request('GET', '/cameras'),
    camera: (id) => request('GET', camera(id)),
    createCamera: (body) => request('POST', '/cameras', body),
    updateCamera: (id, body) => request('PATCH', camera(id), body),
    deleteCamera: (id) => request('DELETE', camera(id)),
    geometry: (id) => request('GET', `${camera(id)}/geometry`),
    saveGeometry: (id, geometry) => request('PUT', `${camera(id)}/geometry`, geometry),
    geometryVersions: (id) => request('GET', `${camera(id)}/geometry/versions`),
    counts: (id, params) => request('GET', `${camera(id)}/counts${query(params)}`),
    events: (id, limit = 200) => request('GET', `${camera(id)}/events${query({ limit })}`),
    snapshotURL: (id, { overlay = true, nonce = Date.now() } = {}) => `${base}${camera(id)}/snapshot.jpg${query({ overlay: overlay ? undefined : 'false', t: nonce })}`,
    live: () => request('GET', '/live'),
    sites: () => request('GET', '/sites'),
    saveSite: (id, body) => request('PUT', `/sites/${encodeURIComponent(id)}`, body),
    deleteSite: (id) => request('DELETE', `/sites/${encodeURIComponent(id)}`),
    users: () => request('GET', '/users'),
    createUser: (body) => request('POST', '/users', body),
    updateUser: (id, body) => request('PATCH', `/users/${encodeURIComponent(id)}`, body),
    deleteUser: (id) => request('DELETE', `/users/${encodeURIComponent(id)}`),
    signOutUser: (id) => request('DELETE', `/users/${encodeURIComponent(id)}/sessions`),
    createTokenFor: (id, body) => request('POST', `/users/${encodeURIComponent(id)}/tokens`, body),
    tokens: () => request('GET', '/tokens'),
    createToken: (body) => request('POST', '/tokens', body),
    deleteToken: (id) => request('DELETE', `/tokens/${encodeURIComponent(id)}`),
    audit: (params) => request('GET', `/audit${query(params)}`),
    workers: () => request('GET', '/workers'),
    alertRules: () => request('GET', '/alert-rules'),
    createAlertRule: (body) => request('POST', '/alert-rules', body),
    saveAlertRule: (id, body) => request('PUT', `/alert-rules/${encodeURIComponent(id)}`, body),
    deleteAlertRule: (id) => request('DELETE', `/alert-rules/${encodeURIComponent(id)}`),
    alerts: (params = {}) => request('GET', `/alerts${query(params)}`),
    acknowledgeAlert: (id) => request('POST', `/alerts/${encodeURIComponent(id)}/acknowledge`),
  };
}
