// A camera's status changes, newest first, kept current as they happen.

import { emptyState, h, notice, replace, timeElement } from '../dom.js';
import { STATUS_LABELS } from '../live-model.js';
import { hashFor } from '../router.js';

export async function render(app, route) {
  const id = route.params.id;
  const root = h('section', { class: 'page' });
  replace(app.main, root, h('p', { class: 'muted' }, 'Loading…'));
  let camera;
  try {
    camera = await app.api.camera(id);
  } catch (error) {
    replace(root, h('h2', {}, 'Camera events'), notice('error', error.status === 404 ? `There is no camera “${id}”.` : error.message));
    return null;
  }
  const list = h('div');
  replace(root,
    h('div', { class: 'page-header' }, h('h2', {}, `${camera.name}: events`),
      h('nav', { class: 'card-links' }, h('a', { href: hashFor('camera-setup', { id }) }, 'Lines and zones'),
        h('a', { href: hashFor('history', {}, { camera: id }) }, 'History'))),
    list);

  let generation = 0;
  async function load() {
    const current = ++generation;
    try {
      const answer = await app.api.events(id, 500);
      // An older answer arriving after a newer one is not shown.
      if (current !== generation) return;
      replace(list, answer.events.length === 0
        ? emptyState('No events yet', 'Status changes (connecting, online, stalled, offline) appear here as they happen.')
        : h('ol', { class: 'card timeline', 'data-testid': 'events' }, answer.events.map((event) => h('li', {},
          timeElement(event.time, { withDate: true }), ' ',
          h('span', { class: `badge status-${event.status}` }, STATUS_LABELS[event.status] ?? event.status),
          event.reason ? h('span', { class: 'muted' }, ` ${event.reason}`) : null))));
    } catch (error) {
      if (current === generation) replace(list, notice('error', error.message));
    }
  }

  // Listening first: a status change during the first read is not missed.
  const unsubscribe = app.hub.subscribe((event) => {
    if (event.message?.type === 'status' && event.message.camera === id) load();
  });
  await load();
  return { dispose: unsubscribe };
}
