// Open alerts as the dashboard keeps them: read from `GET /alerts`, then changed by the live
// `alert` messages (the contract is Fixtures/live-messages.jsonl). Pure functions.

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };

/** The API's shape of an alert, from a live `alert` message. */
export function alertFromMessage(message) {
  const alert = {
    id: message.alert, kind: message.kind, severity: message.severity, state: message.state, subject: message.subject,
    message: message.message, fired: message.fired,
  };
  for (const [from, to] of [['rule', 'rule'], ['camera', 'camera'], ['site', 'site'], ['value', 'value'],
    ['acknowledged', 'acknowledged'], ['acknowledgedBy', 'acknowledgedBy'], ['resolved', 'resolved']]) {
    if (message[from] !== undefined) alert[to] = message[from];
  }
  return alert;
}

/** Most urgent first: critical before warning before info, then the newest. */
export function sortAlerts(alerts) {
  return [...alerts].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9)
    || String(b.fired).localeCompare(String(a.fired)));
}

/**
 * The open alerts after one live message: a firing or acknowledged alert is added or replaced,
 * a resolved one removed. Returns `{alerts, changed}`; other messages change nothing.
 */
export function applyAlertMessage(alerts, message) {
  if (!message || message.type !== 'alert' || typeof message.alert !== 'string') return { alerts, changed: false };
  const alert = alertFromMessage(message);
  const others = alerts.filter((known) => known.id !== alert.id);
  if (alert.state === 'resolved') return { alerts: others, changed: others.length !== alerts.length };
  return { alerts: sortAlerts([...others, alert]), changed: true };
}

const KIND_LABELS = {
  'camera-down': 'Camera down',
  'zone-occupancy': 'Zone occupancy',
  'site-occupancy': 'Site occupancy',
  'count-anomaly': 'Unusual footfall',
  'dropped-frames': 'Dropped frames',
  'closing-imbalance': 'In/out imbalance at closing',
};

/** Every rule kind, with words for people. */
export const RULE_KINDS = Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }));

function seconds(value) {
  if (value >= 3600 && value % 3600 === 0) return `${value / 3600} h`;
  if (value >= 60 && value % 60 === 0) return `${value / 60} min`;
  return `${value} s`;
}

/** What a rule watches, in one sentence: "More than 8 people in queue on door for 30 s". */
export function describeRule(rule) {
  const scope = rule.camera ? `camera ${rule.camera}` : rule.site ? `site ${rule.site}` : 'every camera';
  const hold = seconds(rule.holdSeconds ?? 60);
  switch (rule.kind) {
    case 'camera-down':
      return `${scope[0].toUpperCase()}${scope.slice(1)} not online for ${hold}`;
    case 'zone-occupancy':
      return `More than ${rule.threshold} people in ${rule.zone ? `zone ${rule.zone}` : 'any zone'} of ${scope} for ${hold}`;
    case 'site-occupancy':
      return `More than ${rule.threshold} people in ${scope}${rule.lines?.length ? ` (lines ${rule.lines.join(', ')})` : ''} for ${hold}`;
    case 'closing-imbalance':
      return `In and out of ${scope} differ by more than ${Math.round((rule.threshold ?? 0) * 100)} % at ${rule.closingTime}`;
    case 'dropped-frames':
      return `More than ${Math.round((rule.threshold ?? 0) * 100)} % of the frames of ${scope} dropped for ${hold}`;
    case 'count-anomaly':
      return `People in at ${scope} more than ${rule.threshold ?? 4} deviations from the same hour of the last ${rule.weeks ?? 4} weeks`;
    default:
      return rule.kind;
  }
}

/**
 * The body of a rule from the form's fields (strings as typed): empty fields are left out, so
 * the server's defaults apply. Returns `{body}` or `{error: {field, message}}`.
 */
export function ruleBody(fields) {
  const body = { name: (fields.name ?? '').trim(), kind: fields.kind, severity: fields.severity || 'warning' };
  if (!body.name) return { error: { field: 'name', message: 'Give the rule a name.' } };
  if (!KIND_LABELS[body.kind]) return { error: { field: 'kind', message: 'Choose what to watch.' } };
  for (const key of ['camera', 'site', 'zone', 'closingTime']) {
    const value = (fields[key] ?? '').trim();
    if (value) body[key] = value;
  }
  for (const key of ['threshold', 'holdSeconds', 'clearSeconds']) {
    const text = String(fields[key] ?? '').trim();
    if (!text) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) return { error: { field: key, message: `${key} must be a number of 0 or more.` } };
    body[key] = value;
  }
  if (['zone-occupancy', 'site-occupancy'].includes(body.kind) && body.threshold === undefined) {
    return { error: { field: 'threshold', message: 'Give the capacity in people.' } };
  }
  if (body.kind === 'closing-imbalance') {
    if (!body.site) return { error: { field: 'site', message: 'Choose the site.' } };
    if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(body.closingTime ?? '')) {
      return { error: { field: 'closingTime', message: 'Give the closing time as HH:mm, such as 21:00.' } };
    }
    if (!(body.threshold > 0 && body.threshold <= 1)) {
      return { error: { field: 'threshold', message: 'Give the share of the day, between 0 and 1 (0.1 for a tenth).' } };
    }
    delete body.camera;
  } else {
    delete body.closingTime;
  }
  if (body.kind === 'dropped-frames' && !(body.threshold > 0 && body.threshold < 1)) {
    return { error: { field: 'threshold', message: 'Give the share of frames, between 0 and 1 (0.2 for a fifth).' } };
  }
  if (body.kind === 'site-occupancy' && !body.site) return { error: { field: 'site', message: 'Choose the site.' } };
  if (body.kind !== 'zone-occupancy') delete body.zone;
  if (body.kind === 'site-occupancy') delete body.camera;
  if (body.kind === 'camera-down') delete body.threshold;
  return { body };
}
