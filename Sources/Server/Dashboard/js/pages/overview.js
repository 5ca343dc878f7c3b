// Every camera with its status, frame rate, today's counts and occupancy, kept live.

import { emptyState, formatCount, h, replace, setText, timeElement } from '../dom.js';
import { sortAlerts } from '../alerts-model.js';
import { analysisText, overviewTotals, STATUS_LABELS, zoneCountedText } from '../live-model.js';
import { hashFor } from '../router.js';

const SNAPSHOT_REFRESH_MS = 5000;

export async function render(app) {
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  const cards = new Map();
  let summary = null;
  let recentList = null;
  let alertStrip = null;

  let layout = null;

  function build() {
    const { state } = app.hub;
    // The same cameras with the same lines and zones: update the numbers in place, without flicker.
    const key = JSON.stringify([app.hub.loaded, [...state.rows.values()].map((row) => [row.id, row.name, row.lines.map((l) => l.name), row.zones.map((z) => z.name)])]);
    if (key === layout) {
      update();
      return;
    }
    layout = key;
    for (const card of cards.values()) card.stop();
    cards.clear();
    const header = h('div', { class: 'page-header' },
      h('h2', {}, 'Overview'),
      app.can('cameras.edit') ? h('a', { class: 'button primary', href: hashFor('camera-setup'), 'data-testid': 'add-camera' }, 'Add camera') : null);
    if (!app.hub.loaded) {
      replace(root, header, h('p', { class: 'muted' }, 'Loading cameras…'));
      return;
    }
    if (state.rows.size === 0) {
      replace(root, header, emptyState('No cameras yet',
        app.can('cameras.edit') ? 'Add one: give it a name and a stream, then draw a line where people cross.' : 'An operator or administrator can add one.',
        app.can('cameras.edit') ? h('a', { class: 'button primary', href: hashFor('camera-setup') }, 'Add a camera') : null));
      return;
    }
    summary = h('div', { class: 'summary', 'aria-label': 'Totals today' });
    recentList = h('ol', { class: 'recent', 'data-testid': 'recent-crossings' });
    alertStrip = h('div', { 'aria-live': 'polite' });
    const grid = h('div', { class: 'camera-grid' });
    for (const row of state.rows.values()) {
      const card = cameraCard(app, row);
      cards.set(row.id, card);
      grid.append(card.element);
    }
    replace(root, header, alertStrip, summary, grid,
      h('section', { class: 'card' }, h('h3', {}, 'Recent crossings'), recentList));
    update();
  }

  function update(changed = null) {
    const { state } = app.hub;
    const totals = overviewTotals(state);
    if (summary) {
      replace(summary,
        stat('In today', formatCount(totals.in)), stat('Out today', formatCount(totals.out)),
        stat('In zones now', formatCount(totals.occupancy)), stat('Cameras online', `${totals.online} / ${totals.cameras}`));
    }
    if (alertStrip) {
      const open = sortAlerts(app.hub.alerts);
      replace(alertStrip, open.length === 0 ? null
        : h('a', { class: `notice notice-alert severity-${open[0].severity}`, href: hashFor('alerts'), 'data-testid': 'open-alerts-strip' },
          h('strong', {}, open.length === 1 ? '1 open alert' : `${open.length} open alerts`), ': ', open[0].message,
          open.length > 1 ? ` and ${open.length - 1} more` : ''));
    }
    for (const row of state.rows.values()) {
      if (changed === null || changed === row.id) cards.get(row.id)?.update(row);
    }
    if (recentList) {
      replace(recentList, state.recent.length === 0
        ? h('li', { class: 'muted' }, 'No crossings since this page opened.')
        : state.recent.map((crossing) => h('li', { dataset: { camera: crossing.camera, line: crossing.line } },
          timeElement(crossing.time), ' ',
          h('span', { class: `direction direction-${crossing.direction}` }, crossing.direction === 'in' ? '→ in' : '← out'), ' ',
          h('strong', {}, crossing.line), ' ', h('span', { class: 'muted' }, `(${crossing.camera}, track ${crossing.track})`))));
    }
  }

  build();
  const unsubscribe = app.hub.subscribe((event) => {
    if (event.reloaded) build();
    else update(event.changed);
  });
  const timer = setInterval(() => {
    for (const card of cards.values()) card.refreshSnapshot();
  }, SNAPSHOT_REFRESH_MS);
  return {
    dispose() {
      unsubscribe();
      clearInterval(timer);
      for (const card of cards.values()) card.stop();
    },
  };
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
}

function cameraCard(app, row) {
  const status = h('span', { class: 'badge', 'data-testid': 'status' });
  const fps = h('span', { class: 'muted' });
  const lines = new Map(row.lines.map((line) => [line.name, {
    in: h('span', { class: 'count count-in', 'data-testid': `line-in-${line.name}` }),
    out: h('span', { class: 'count count-out', 'data-testid': `line-out-${line.name}` }),
  }]));
  const zones = new Map(row.zones.map((zone) => [zone.name, {
    now: h('span', { class: 'count', 'data-testid': `zone-${zone.name}` }),
    counted: h('span', { class: 'muted', 'data-testid': `zone-counted-${zone.name}`, title: 'Occupancy from the counts of the zone’s entrances, and its difference from the people seen inside' }),
  }]));
  const image = h('img', { class: 'thumb', alt: `Latest picture from ${row.name}`, hidden: true });
  image.addEventListener('load', () => { image.hidden = false; });
  image.addEventListener('error', () => { image.hidden = true; });
  let stopped = false;
  const tiles = [
    ...row.lines.map((line) => h('div', { class: 'tile' }, h('span', { class: 'tile-name' }, line.name),
      h('span', {}, 'in ', lines.get(line.name).in), h('span', {}, 'out ', lines.get(line.name).out))),
    ...row.zones.map((zone) => h('div', { class: 'tile tile-zone' }, h('span', { class: 'tile-name' }, zone.name),
      h('span', {}, 'now ', zones.get(zone.name).now), zones.get(zone.name).counted)),
  ];
  const element = h('article', { class: 'card camera-card', dataset: { camera: row.id } },
    h('header', { class: 'camera-card-header' },
      h('div', {}, h('h3', {}, row.name), h('code', { class: 'muted' }, row.id)), status),
    image,
    tiles.length ? h('div', { class: 'tiles' }, tiles) : h('p', { class: 'muted' }, 'No lines or zones yet.',
      app.can('geometry.edit') ? [' ', h('a', { href: hashFor('camera-setup', { id: row.id }) }, 'Draw one')] : null),
    h('footer', { class: 'camera-card-footer' }, fps,
      h('nav', { class: 'card-links' },
        h('a', { href: hashFor('history', {}, { camera: row.id }) }, 'History'),
        h('a', { href: hashFor('events', { id: row.id }) }, 'Events'),
        h('a', { href: hashFor('camera-setup', { id: row.id }), 'data-testid': 'setup-link' }, app.can('cameras.edit') ? 'Set up' : 'Lines and zones'))));

  function refreshSnapshot() {
    // Only a camera that has sent a picture has one to show; asking earlier would answer 503.
    if (stopped) return;
    if (row.frame && (row.status === 'online' || row.status === 'stalled')) image.src = app.api.snapshotURL(row.id);
  }

  function update(next) {
    row = next;
    setText(status, STATUS_LABELS[next.status] ?? next.status);
    status.className = `badge status-${next.status}`;
    status.title = next.reason ?? '';
    setText(fps, analysisText(next));
    fps.classList.toggle('warning', next.reducedRate === true);
    for (const line of next.lines) {
      const entry = lines.get(line.name);
      if (!entry) continue;
      flashIfChanged(entry.in, formatCount(line.in));
      flashIfChanged(entry.out, formatCount(line.out));
    }
    for (const zone of next.zones) {
      const entry = zones.get(zone.name);
      if (!entry) continue;
      flashIfChanged(entry.now, formatCount(zone.occupancy));
      setText(entry.counted, zoneCountedText(zone));
    }
  }

  function stop() {
    // Leaving the page stops pictures still on their way, so no request outlives the page
    // (signing out next would otherwise end the session under it).
    stopped = true;
    image.removeAttribute('src');
  }

  refreshSnapshot();
  return { element, update, refreshSnapshot, stop };
}

function flashIfChanged(element, text) {
  if (element.textContent === text) return;
  const first = element.textContent === '';
  element.textContent = text;
  if (first) return;
  element.classList.remove('flash');
  // Restart the animation on the next frame.
  requestAnimationFrame(() => element.classList.add('flash'));
}
