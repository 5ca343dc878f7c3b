// Times: the API speaks UTC ISO 8601; people read their browser's time zone, with UTC on hover.

export const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Preset ranges of the history page: how far back from now, and the bucket that suits. */
export const PRESETS = {
  hour: { length: BUCKET_MS.hour, bucket: 'minute' },
  day: { length: BUCKET_MS.day, bucket: 'hour' },
  week: { length: 7 * BUCKET_MS.day, bucket: 'hour' },
  month: { length: 30 * BUCKET_MS.day, bucket: 'day' },
};

/** At most this many buckets in one range (the API refuses more than 50,000). */
export const MAX_BUCKETS = 50_000;

/** An ISO 8601 UTC string with whole seconds, as the API takes it. */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Start of the bucket holding `ms` (buckets start at whole UTC minutes, hours and days). */
export function bucketStart(ms, bucket) {
  const size = BUCKET_MS[bucket];
  return Math.floor(ms / size) * size;
}

/** The bucket that suits a range of `length` milliseconds when the user did not choose one. */
export function bucketFor(length) {
  if (length <= 6 * BUCKET_MS.hour) return 'minute';
  if (length <= 14 * BUCKET_MS.day) return 'hour';
  return 'day';
}

/**
 * The range a history view shows: `preset` is `hour`, `day`, `week`, `month` or `custom`
 * (then `custom.from`/`custom.to` in ms); `bucket` overrides the preset's bucket. Ranges end at
 * the end of the current bucket so the newest bucket is whole.
 * Throws an Error naming the field when the range cannot be asked for.
 */
export function rangeFor(preset, now, { custom, bucket } = {}) {
  let from;
  let to;
  let chosen = bucket;
  if (preset === 'custom') {
    if (!custom || !Number.isFinite(custom.from) || !Number.isFinite(custom.to)) {
      throw fieldError('from', 'Choose both a start and an end.');
    }
    if (custom.from >= custom.to) throw fieldError('to', 'The end must be after the start.');
    from = custom.from;
    to = custom.to;
    chosen = chosen || bucketFor(to - from);
  } else {
    const spec = PRESETS[preset];
    if (!spec) throw fieldError('range', `Unknown range “${preset}”.`);
    chosen = chosen || spec.bucket;
    const size = BUCKET_MS[chosen];
    to = bucketStart(now, chosen) + size;
    from = to - Math.max(spec.length, size);
  }
  if (!BUCKET_MS[chosen]) throw fieldError('bucket', `Unknown bucket “${chosen}”.`);
  if ((to - from) / BUCKET_MS[chosen] > MAX_BUCKETS) {
    throw fieldError('bucket', 'That range has too many buckets: choose a larger bucket.');
  }
  return { from, to, bucket: chosen };
}

/** The period of the same length just before `range`. */
export function previousPeriod(range) {
  const length = range.to - range.from;
  return { from: range.from - length, to: range.from, bucket: range.bucket };
}

/** The starts of every bucket of `range` (which the API leaves out when they hold no data). */
export function bucketStarts(range) {
  const size = BUCKET_MS[range.bucket];
  const starts = [];
  for (let t = bucketStart(range.from, range.bucket); t < range.to; t += size) starts.push(t);
  return starts;
}

function fieldError(field, message) {
  const error = new Error(message);
  error.field = field;
  return error;
}

/** `ms` in the browser's time zone (or `timeZone`), short: `14:03:05`, or with the date. */
export function formatLocal(ms, { withDate = false, seconds = true, timeZone } = {}) {
  const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone };
  if (seconds) options.second = '2-digit';
  if (withDate) Object.assign(options, { year: 'numeric', month: 'short', day: 'numeric' });
  return new Intl.DateTimeFormat(undefined, options).format(new Date(ms));
}

/** `ms` as UTC for the hover title: `2026-11-25 14:03:05 UTC`. */
export function formatUTC(ms) {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The value of an `<input type="datetime-local">` for `ms` in the browser's time zone. */
export function toLocalInput(ms) {
  const date = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Milliseconds from an `<input type="datetime-local">` value (browser's time zone), or NaN. */
export function fromLocalInput(value) {
  return value ? new Date(value).getTime() : Number.NaN;
}
