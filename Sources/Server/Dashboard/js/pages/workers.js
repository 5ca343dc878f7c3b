// The processes counting cameras: who counts which camera, each one's load against its
// capacity, and the cameras nobody counts. Read again every few seconds.

import { emptyState, errorNotice, h, notice, replace } from '../dom.js';
import { hashFor } from '../router.js';
import { STATE_LABELS, fleetSummary, workerRows } from '../workers-model.js';

/** How often the page asks again, in milliseconds (workers announce every few seconds). */
const REFRESH_MS = 5000;

export async function render(app) {
  const root = h('section', { class: 'page' });
  const summary = h('p', { class: 'muted', 'data-testid': 'fleet-summary' });
  const unassigned = h('div');
  const table = h('div', { class: 'card table-wrap' });
  replace(app.main, root);
  replace(root, h('div', { class: 'page-header' }, h('h2', {}, 'Workers')), summary, unassigned, table);

  let disposed = false;
  let timer = null;
  async function load() {
    try {
      const answer = await app.api.workers();
      if (disposed) return;
      const fleet = fleetSummary(answer);
      replace(summary, `${fleet.workers} worker${fleet.workers === 1 ? '' : 's'} counting ${fleet.counted} camera${fleet.counted === 1 ? '' : 's'}`
        + ` · ${fleet.load} of ${fleet.capacity} analysed frames/s`);
      replace(unassigned, fleet.unassigned === 0 ? null
        : notice('error', `Nobody counts ${answer.unassigned.join(', ')}. A worker takes a camera within a lease (10 s) of it being free; if this lasts, start a worker or check its logs.`));
      const rows = workerRows(answer.workers, Date.now());
      replace(table, rows.length === 0
        ? emptyState('No worker has announced itself', 'Workers (footfall worker, or footfall serve counting cameras) appear here within seconds of starting.')
        : h('table', { 'data-testid': 'workers' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Worker'), h('th', {}, 'State'), h('th', {}, 'Cameras'), h('th', {}, 'Load'),
            h('th', {}, 'Last heard'), h('th', {}, 'Your cameras here'))),
          h('tbody', {}, rows.map((row) => h('tr', { dataset: { state: row.state, worker: row.name } },
            h('td', {}, h('code', {}, row.name)),
            h('td', {}, h('span', { class: `badge worker-${row.state}` }, STATE_LABELS[row.state])),
            h('td', {}, row.target === null ? `${row.cameraCount}` : `${row.cameraCount} of ${row.target}`),
            h('td', { title: `${row.load} of ${row.capacity} analysed frames/s` },
              row.usage === null ? `${row.load} frames/s` : `${row.usage} %`),
            h('td', {}, `${row.age} s ago`),
            h('td', {}, row.cameras.length === 0 ? '—'
              : row.cameras.map((id, index) => [index > 0 ? ', ' : null, h('a', { href: hashFor('events', { id }) }, id)])))))));
    } catch (error) {
      if (!disposed) replace(table, errorNotice(error));
    }
    if (!disposed) timer = setTimeout(load, REFRESH_MS);
  }
  await load();
  return {
    dispose: () => {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
