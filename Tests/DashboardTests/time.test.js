import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketFor, bucketStarts, formatLocal, formatUTC, isoSeconds, previousPeriod, rangeFor } from '../../Sources/Server/Dashboard/js/time.js';

const now = Date.parse('2026-11-25T14:37:21.500Z');

test('presets end with the current bucket and pick a suitable bucket', () => {
  const hour = rangeFor('hour', now);
  assert.deepEqual([isoSeconds(hour.from), isoSeconds(hour.to), hour.bucket], ['2026-11-25T13:38:00Z', '2026-11-25T14:38:00Z', 'minute']);
  const day = rangeFor('day', now);
  assert.deepEqual([isoSeconds(day.from), isoSeconds(day.to), day.bucket], ['2026-11-24T15:00:00Z', '2026-11-25T15:00:00Z', 'hour']);
  const month = rangeFor('month', now);
  assert.deepEqual([isoSeconds(month.from), isoSeconds(month.to), month.bucket], ['2026-10-27T00:00:00Z', '2026-11-26T00:00:00Z', 'day']);
  assert.equal(rangeFor('week', now, { bucket: 'day' }).bucket, 'day');
});

test('custom ranges are checked and get an automatic bucket', () => {
  const custom = rangeFor('custom', now, { custom: { from: now - 3 * 86_400_000, to: now } });
  assert.equal(custom.bucket, 'hour');
  assert.throws(() => rangeFor('custom', now, { custom: { from: now, to: now - 1 } }), (e) => e.field === 'to');
  assert.throws(() => rangeFor('custom', now, { custom: { from: Number.NaN, to: now } }), (e) => e.field === 'from');
  assert.throws(() => rangeFor('custom', now, { custom: { from: now - 400 * 86_400_000, to: now }, bucket: 'minute' }), (e) => e.field === 'bucket');
  assert.throws(() => rangeFor('fortnight', now), (e) => e.field === 'range');
});

test('buckets and the previous period', () => {
  assert.equal(bucketFor(3_600_000), 'minute');
  assert.equal(bucketFor(7 * 86_400_000), 'hour');
  assert.equal(bucketFor(60 * 86_400_000), 'day');
  const range = rangeFor('day', now);
  assert.equal(bucketStarts(range).length, 24);
  const before = previousPeriod(range);
  assert.equal(before.to, range.from);
  assert.equal(before.to - before.from, range.to - range.from);
});

test('times are shown in the chosen zone with UTC on hover', () => {
  assert.equal(formatLocal(now, { timeZone: 'Asia/Kolkata' }), '20:07:21');
  assert.equal(formatLocal(now, { timeZone: 'UTC', seconds: false }), '14:37');
  assert.equal(formatUTC(now), '2026-11-25 14:37:21 UTC');
});
