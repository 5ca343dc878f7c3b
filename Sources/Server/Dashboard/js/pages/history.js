// Counts over time for a camera or a site: range, buckets, the previous period, CSV.

import { drawChart, legendFor } from '../chart.js';
import { emptyState, formatCount, h, notice, replace, timeElement } from '../dom.js';
import { chartSeries, historyCSV, historyRows, lineTotals, percentChange, zoneSummaries } from '../history-model.js';
import { hashFor } from '../router.js';
import { formatLocal, fromLocalInput, isoSeconds, previousPeriod, rangeFor, toLocalInput } from '../time.js';

const RANGES = [['hour', 'Hour'], ['day', 'Day'], ['week', 'Week'], ['month', 'Month'], ['custom', 'Custom']];

export async function render(app, route) {
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  if (!app.hub.loaded) await app.hub.reload().catch(() => {});
  const cameras = app.hub.cameras;
  if (cameras.length === 0) {
    replace(root, h('h2', {}, 'History'), emptyState('No cameras yet', 'History appears once a camera has counted.',
      app.can('cameras.edit') ? h('a', { class: 'button primary', href: hashFor('camera-setup') }, 'Add a camera') : null));
    return null;
  }
  const siteNames = new Map((await app.api.sites().then((answer) => answer.sites).catch(() => [])).map((s) => [s.id, s.name]));
  const sites = [...new Set(cameras.map((c) => c.siteID).filter(Boolean))].sort();
  const q = route.query;
  const settings = {
    scope: q.site ? `site:${q.site}` : `camera:${q.camera ?? cameras[0].id}`,
    range: RANGES.some(([r]) => r === q.range) ? q.range : 'day',
    bucket: ['minute', 'hour', 'day'].includes(q.bucket) ? q.bucket : '',
    compare: q.compare !== 'false',
    from: Number(q.from) || Date.now() - 86_400_000,
    to: Number(q.to) || Date.now(),
  };

  const scope = h('select', { id: 'history-scope', 'data-testid': 'history-scope' },
    h('optgroup', { label: 'Cameras' }, cameras.map((c) => h('option', { value: `camera:${c.id}`, selected: settings.scope === `camera:${c.id}` }, c.name))),
    sites.length ? h('optgroup', { label: 'Sites' }, sites.map((s) => h('option', { value: `site:${s}`, selected: settings.scope === `site:${s}` }, `Site: ${siteNames.get(s) ?? s}`))) : null);
  const rangeButtons = RANGES.map(([value, text]) => h('button', {
    type: 'button', 'data-range': value, 'aria-pressed': String(settings.range === value),
    onclick: () => { settings.range = value; syncControls(); load(); },
  }, text));
  const fromInput = h('input', { id: 'history-from', type: 'datetime-local', value: toLocalInput(settings.from) });
  const toInput = h('input', { id: 'history-to', type: 'datetime-local', value: toLocalInput(settings.to) });
  const custom = h('div', { class: 'custom-range' }, h('label', { for: 'history-from' }, 'From'), fromInput,
    h('label', { for: 'history-to' }, 'To'), toInput,
    h('button', { type: 'button', onclick: () => { settings.from = fromLocalInput(fromInput.value); settings.to = fromLocalInput(toInput.value); load(); } }, 'Show'));
  const bucket = h('select', { id: 'history-bucket', 'data-testid': 'history-bucket' },
    [['', 'Automatic'], ['minute', 'Minutes'], ['hour', 'Hours'], ['day', 'Days']].map(([v, t]) => h('option', { value: v, selected: settings.bucket === v }, t)));
  const compare = h('input', { id: 'history-compare', type: 'checkbox', checked: settings.compare });
  const download = h('button', { type: 'button', 'data-testid': 'download-csv', disabled: true }, 'Download CSV');
  const results = h('div', { class: 'history-results', 'aria-live': 'polite' });
  scope.addEventListener('change', load);
  bucket.addEventListener('change', () => { settings.bucket = bucket.value; load(); });
  compare.addEventListener('change', () => { settings.compare = compare.checked; load(); });

  function syncControls() {
    for (const button of rangeButtons) button.setAttribute('aria-pressed', String(button.dataset.range === settings.range));
    custom.hidden = settings.range !== 'custom';
  }

  replace(root,
    h('div', { class: 'page-header' }, h('h2', {}, 'History')),
    h('div', { class: 'card controls' },
      h('div', { class: 'field' }, h('label', { for: 'history-scope' }, 'Camera or site'), scope),
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Range'), h('div', { class: 'segmented', role: 'group', 'aria-label': 'Range' }, rangeButtons)),
      custom,
      h('div', { class: 'field' }, h('label', { for: 'history-bucket' }, 'Buckets'), bucket),
      h('div', { class: 'field field-inline' }, compare, h('label', { for: 'history-compare' }, 'Compare with the previous period')),
      download),
    results);
  syncControls();

  let generation = 0;
  let shown = null;
  let lastChart = null;
  download.addEventListener('click', () => {
    if (!shown) return;
    const blob = new Blob([historyCSV(shown.rows)], { type: 'text/csv' });
    const link = h('a', { href: URL.createObjectURL(blob), download: shown.fileName });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });

  async function load() {
    const current = ++generation;
    download.disabled = true;
    let range;
    try {
      range = rangeFor(settings.range, Date.now(), { custom: { from: settings.from, to: settings.to }, bucket: settings.bucket || undefined });
    } catch (error) {
      replace(results, notice('error', error.message));
      return;
    }
    const [kind, key] = scope.value.split(/:(.*)/s);
    const ids = kind === 'site' ? cameras.filter((c) => c.siteID === key).map((c) => c.id) : [key];
    const query = { range: settings.range, bucket: settings.bucket, compare: String(settings.compare) };
    if (settings.range === 'custom') Object.assign(query, { from: String(settings.from), to: String(settings.to) });
    history.replaceState(null, '', hashFor('history', {}, kind === 'site' ? { ...query, site: key } : { ...query, camera: key }));
    replace(results, h('p', { class: 'muted' }, 'Loading…'));
    const previous = previousPeriod(range);
    const ask = (r) => Promise.all(ids.map((id) => app.api.counts(id, { from: isoSeconds(r.from), to: isoSeconds(r.to), bucket: r.bucket })));
    try {
      const [answers, previousAnswers] = await Promise.all([ask(range), settings.compare ? ask(previous) : Promise.resolve(null)]);
      if (current !== generation) return;
      const rows = historyRows(answers, range);
      const previousRows = previousAnswers ? historyRows(previousAnswers, previous) : null;
      shown = { rows, fileName: `footfall-${key}-${isoSeconds(range.from)}-${range.bucket}.csv`.replace(/[:]/g, '') };
      download.dataset.from = isoSeconds(range.from);
      download.dataset.to = isoSeconds(range.to);
      download.dataset.bucket = range.bucket;
      download.dataset.cameras = ids.join(',');
      download.disabled = false;
      showResults(range, rows, previousRows, previous);
    } catch (error) {
      if (current === generation) replace(results, notice('error', error.message));
    }
  }

  function showResults(range, rows, previousRows, previous) {
    const totals = lineTotals(rows);
    const before = previousRows ? lineTotals(previousRows) : null;
    const zones = zoneSummaries(rows);
    const canvas = h('canvas', { class: 'chart', role: 'img', 'aria-label': 'Crossings per bucket' });
    const data = chartSeries(rows, range, previousRows, previous);
    const withDate = range.to - range.from > 86_400_000;
    const change = (now, then) => {
      const value = percentChange(now, then);
      return value === null ? '—' : `${value > 0 ? '+' : ''}${value.toFixed(0)} %`;
    };
    const previousOf = (line) => before?.lines.find((l) => l.camera === line.camera && l.name === line.name) ?? { in: 0, out: 0 };
    replace(results,
      h('p', { class: 'muted small' }, 'From ', timeElement(range.from, { withDate: true, seconds: false }), ' to ',
        timeElement(range.to, { withDate: true, seconds: false }), ` in ${range.bucket} buckets`,
        previousRows ? `, compared with the ${formatLocal(previous.from, { withDate: true, seconds: false })} period before` : ''),
      rows.length === 0 ? emptyState('Nothing counted in this range', 'Try a longer range, or check that the camera has lines.') : null,
      h('div', { class: 'card' }, canvas,
        h('ul', { class: 'legend' }, legendFor(data).map((entry) => h('li', {},
          swatch(entry), entry.name)))),
      h('div', { class: 'card table-wrap' }, h('table', { 'data-testid': 'line-totals' },
        h('caption', {}, 'Lines'),
        h('thead', {}, h('tr', {}, h('th', {}, 'Camera'), h('th', {}, 'Line'), h('th', { class: 'num' }, 'In'), h('th', { class: 'num' }, 'Out'),
          before ? [h('th', { class: 'num' }, 'In before'), h('th', { class: 'num' }, 'Change')] : null)),
        h('tbody', {}, totals.lines.map((line) => h('tr', {},
          h('td', {}, line.camera), h('td', {}, line.name), h('td', { class: 'num' }, formatCount(line.in)), h('td', { class: 'num' }, formatCount(line.out)),
          before ? [h('td', { class: 'num' }, formatCount(previousOf(line).in)), h('td', { class: 'num' }, change(line.in, previousOf(line).in))] : null))),
        h('tfoot', {}, h('tr', {}, h('th', { colspan: 2 }, 'All lines'),
          h('td', { class: 'num', 'data-testid': 'total-in' }, formatCount(totals.all.in)), h('td', { class: 'num', 'data-testid': 'total-out' }, formatCount(totals.all.out)),
          before ? [h('td', { class: 'num' }, formatCount(before.all.in)), h('td', { class: 'num' }, change(totals.all.in, before.all.in))] : null)))),
      zones.length ? h('div', { class: 'card table-wrap' }, h('table', {},
        h('caption', {}, 'Zones'),
        h('thead', {}, h('tr', {}, h('th', {}, 'Camera'), h('th', {}, 'Zone'), h('th', { class: 'num' }, 'Mean occupancy'), h('th', { class: 'num' }, 'Peak'))),
        h('tbody', {}, zones.map((zone) => h('tr', {}, h('td', {}, zone.camera), h('td', {}, zone.name),
          h('td', { class: 'num' }, zone.mean.toFixed(2)), h('td', { class: 'num' }, formatCount(zone.peak))))))) : null);
    lastChart = { canvas, data, withDate };
    requestAnimationFrame(() => drawChart(canvas, data, { withDate }));
  }

  await load();
  const onResize = () => { if (lastChart) drawChart(lastChart.canvas, lastChart.data, { withDate: lastChart.withDate }); };
  window.addEventListener('resize', onResize);
  return { dispose: () => window.removeEventListener('resize', onResize) };
}

/** A legend swatch in the series' colour (set through the style object: the CSP allows no inline styles). */
function swatch(entry) {
  const element = h('span', { class: `swatch${entry.dashed ? ' dashed' : ''}` });
  element.style.setProperty('--swatch', entry.colour);
  return element;
}
