import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartSeries, csvField, historyCSV, historyRows, lineTotals, percentChange, zoneSummaries } from '../../Sources/Server/Dashboard/js/history-model.js';

const T = Date.parse('2026-11-25T10:00:00Z');
const range = { from: T, to: T + 3 * 3_600_000, bucket: 'hour' };
const answer = (camera, lineBuckets, zoneBuckets = []) => ({
  camera, bucket: 'hour', lines: [{ name: 'entrance', buckets: lineBuckets }], zones: zoneBuckets.length ? [{ name: 'lobby', buckets: zoneBuckets }] : [],
});
const at = (hours) => new Date(T + hours * 3_600_000).toISOString();

test('rows, totals and zones from several cameras', () => {
  const rows = historyRows([
    answer('door', [{ start: at(0), in: 5, out: 2 }, { start: at(2), in: 1, out: 4 }], [{ start: at(0), min: 0, max: 3, mean: 1.5 }, { start: at(1), min: 1, max: 5, mean: 2.5 }]),
    answer('yard', [{ start: at(1), in: 10, out: 0 }, { start: at(5), in: 99, out: 99 }]),
  ], range);
  assert.equal(rows.length, 5, 'a bucket outside the range is left out');
  assert.deepEqual(lineTotals(rows), {
    lines: [{ camera: 'door', name: 'entrance', in: 6, out: 6 }, { camera: 'yard', name: 'entrance', in: 10, out: 0 }],
    all: { in: 16, out: 6 },
  });
  assert.deepEqual(zoneSummaries(rows), [{ camera: 'door', name: 'lobby', peak: 5, mean: 2 }]);
});

test('the chart has every bucket, zeros where nothing was counted, and the previous period aligned', () => {
  const rows = historyRows([answer('door', [{ start: at(1), in: 3, out: 1 }])], range);
  const previousRange = { from: T - 3 * 3_600_000, to: T, bucket: 'hour' };
  const previousRows = historyRows([answer('door', [{ start: at(-3), in: 7, out: 0 }, { start: at(-1), in: 2, out: 0 }])], previousRange);
  const data = chartSeries(rows, range, previousRows, previousRange);
  assert.deepEqual(data.starts, [T, T + 3_600_000, T + 7_200_000]);
  assert.deepEqual(data.series.map((s) => [s.name, s.values]), [
    ['In', [0, 3, 0]], ['Out', [0, 1, 0]], ['In, previous period', [7, 0, 2]],
  ]);
});

test('the CSV holds exactly the rows, with UTC times, and sums to the totals', () => {
  const rows = historyRows([answer('door', [{ start: at(0), in: 5, out: 2 }, { start: at(1), in: 1, out: 4 }], [{ start: at(0), min: 0, max: 3, mean: 1.23456 }])], range);
  const csv = historyCSV(rows);
  assert.equal(csv, [
    'camera,kind,name,bucket_start_utc,in,out,occupancy_min,occupancy_max,occupancy_mean',
    'door,line,entrance,2026-11-25T10:00:00Z,5,2,,,',
    'door,zone,lobby,2026-11-25T10:00:00Z,,,0,3,1.235',
    'door,line,entrance,2026-11-25T11:00:00Z,1,4,,,',
    '',
  ].join('\r\n'));
});

test('CSV fields are quoted and formulas defused', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
  assert.equal(csvField(-3), '-3', 'numbers are numbers');
  assert.equal(csvField(null), '');
});

test('percent change', () => {
  assert.equal(percentChange(118, 100), 18);
  assert.equal(percentChange(5, 0), null);
});

test('a range that starts inside a bucket keeps that bucket, as the API answers it', () => {
  const unaligned = { from: T + 30 * 60_000, to: T + 3 * 3_600_000, bucket: 'hour' };
  const rows = historyRows([answer('door', [{ start: at(0), in: 2, out: 1 }, { start: at(1), in: 3, out: 0 }])], unaligned);
  assert.deepEqual(lineTotals(rows).all, { in: 5, out: 1 });
});
