// The history page's numbers: count answers of one or more cameras turned into rows, totals,
// chart series and CSV. What the CSV holds is exactly what the page shows.

import { BUCKET_MS, bucketStart, bucketStarts, isoSeconds } from './time.js';

/**
 * Rows from `GET /api/v1/cameras/{id}/counts` answers (one per camera), in a stable order:
 * `{camera, kind: 'line'|'zone', name, start (ms), in, out}` or `{…, min, max, mean}`.
 * Buckets outside `range` are left out; the one holding `range.from` is kept.
 */
export function historyRows(answers, range) {
  const rows = [];
  // The API answers with the bucket that holds `from`, which may start before it.
  const first = bucketStart(range.from, range.bucket);
  for (const answer of answers) {
    for (const line of answer.lines ?? []) {
      for (const bucket of line.buckets) {
        const start = Date.parse(bucket.start);
        if (start < first || start >= range.to) continue;
        rows.push({ camera: answer.camera, kind: 'line', name: line.name, start, in: bucket.in, out: bucket.out });
      }
    }
    for (const zone of answer.zones ?? []) {
      for (const bucket of zone.buckets) {
        const start = Date.parse(bucket.start);
        if (start < first || start >= range.to) continue;
        rows.push({ camera: answer.camera, kind: 'zone', name: zone.name, start, min: bucket.min, max: bucket.max, mean: bucket.mean });
      }
    }
  }
  rows.sort((a, b) => a.start - b.start || a.camera.localeCompare(b.camera) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  return rows;
}

/** In/out totals per line (`camera · line`), in the order lines first appear, and overall. */
export function lineTotals(rows) {
  const byLine = new Map();
  const all = { in: 0, out: 0 };
  for (const row of rows) {
    if (row.kind !== 'line') continue;
    const key = `${row.camera}\u0000${row.name}`;
    const entry = byLine.get(key) ?? { camera: row.camera, name: row.name, in: 0, out: 0 };
    entry.in += row.in;
    entry.out += row.out;
    byLine.set(key, entry);
    all.in += row.in;
    all.out += row.out;
  }
  return { lines: [...byLine.values()], all };
}

/** Mean and peak occupancy per zone (`camera · zone`) over the rows. */
export function zoneSummaries(rows) {
  const byZone = new Map();
  for (const row of rows) {
    if (row.kind !== 'zone') continue;
    const key = `${row.camera}\u0000${row.name}`;
    const entry = byZone.get(key) ?? { camera: row.camera, name: row.name, peak: 0, meanSum: 0, buckets: 0 };
    entry.peak = Math.max(entry.peak, row.max);
    entry.meanSum += row.mean;
    entry.buckets += 1;
    byZone.set(key, entry);
  }
  return [...byZone.values()].map(({ meanSum, buckets, ...zone }) => ({ ...zone, mean: buckets ? meanSum / buckets : 0 }));
}

/**
 * Change from `previous` to `current` in percent, or null when there was nothing before.
 */
export function percentChange(current, previous) {
  if (!previous) return null;
  return ((current - previous) / previous) * 100;
}

/**
 * Chart series over every bucket of `range` (empty buckets are zero): total in, total out and,
 * when given, the previous period's total in aligned bucket by bucket.
 */
export function chartSeries(rows, range, previousRows = null, previousRange = null) {
  const starts = bucketStarts(range);
  const index = new Map(starts.map((start, i) => [start, i]));
  const totalIn = new Array(starts.length).fill(0);
  const totalOut = new Array(starts.length).fill(0);
  for (const row of rows) {
    const i = index.get(row.start);
    if (row.kind !== 'line' || i === undefined) continue;
    totalIn[i] += row.in;
    totalOut[i] += row.out;
  }
  const series = [
    { name: 'In', values: totalIn, style: 'in' },
    { name: 'Out', values: totalOut, style: 'out' },
  ];
  if (previousRows && previousRange) {
    const size = BUCKET_MS[range.bucket];
    const previousIn = new Array(starts.length).fill(0);
    for (const row of previousRows) {
      if (row.kind !== 'line') continue;
      const i = Math.round((row.start - previousRange.from) / size);
      if (i >= 0 && i < starts.length) previousIn[i] += row.in;
    }
    series.push({ name: 'In, previous period', values: previousIn, style: 'previous' });
  }
  return { starts, series };
}

const CSV_HEADER = ['camera', 'kind', 'name', 'bucket_start_utc', 'in', 'out', 'occupancy_min', 'occupancy_max', 'occupancy_mean'];

/** One CSV field: quoted when needed, and defused when a spreadsheet would run it as a formula. */
export function csvField(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV of exactly the rows shown, with UTC bucket starts. */
export function historyCSV(rows) {
  const lines = [CSV_HEADER.join(',')];
  for (const row of rows) {
    const fields = row.kind === 'line'
      ? [row.camera, 'line', row.name, isoSeconds(row.start), row.in, row.out, '', '', '']
      : [row.camera, 'zone', row.name, isoSeconds(row.start), '', '', row.min, row.max, Number(row.mean.toFixed(3))];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
