import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alertFromMessage, applyAlertMessage, describeRule, ruleBody, sortAlerts } from '../../Sources/Server/Dashboard/js/alerts-model.js';

// The same contract fixture the Swift tests and docs/api.md use.
const fixture = readFileSync(fileURLToPath(new URL('../../Fixtures/live-messages.jsonl', import.meta.url)), 'utf8')
  .split('\n').filter(Boolean).map((line) => JSON.parse(line));
const [firing, acknowledged] = fixture.filter((m) => m.type === 'alert');

test('an alert message reads as the API shows the alert', () => {
  assert.deepEqual(alertFromMessage(acknowledged), {
    id: '11111111-2222-4333-8444-555555555555', rule: '66666666-7777-4888-8999-000000000000', kind: 'zone-occupancy',
    severity: 'critical', state: 'acknowledged', subject: 'camera:door/zone:lobby', camera: 'door',
    message: '12 people in lobby on Door (capacity 10)', value: 12, fired: '2026-11-25T10:00:08Z',
    acknowledged: '2026-11-25T10:00:09Z', acknowledgedBy: 'alice',
  });
});

test('firing adds, acknowledging replaces, resolving removes; other messages change nothing', () => {
  let result = applyAlertMessage([], firing);
  assert.equal(result.changed, true);
  assert.deepEqual(result.alerts.map((a) => a.state), ['firing']);
  result = applyAlertMessage(result.alerts, acknowledged);
  assert.deepEqual(result.alerts.map((a) => [a.id, a.state, a.acknowledgedBy]), [[firing.alert, 'acknowledged', 'alice']]);
  const resolved = applyAlertMessage(result.alerts, { ...acknowledged, state: 'resolved', resolved: '2026-11-25T10:05:00Z' });
  assert.deepEqual(resolved, { alerts: [], changed: true });
  assert.deepEqual(applyAlertMessage([], { ...firing, state: 'resolved' }), { alerts: [], changed: false });
  const before = result.alerts;
  for (const other of fixture.filter((m) => m.type !== 'alert')) {
    assert.deepEqual(applyAlertMessage(before, other), { alerts: before, changed: false });
  }
  assert.deepEqual(applyAlertMessage(before, null), { alerts: before, changed: false });
});

test('the most urgent alerts come first, then the newest', () => {
  const alerts = [
    { id: 'a', severity: 'info', fired: '2026-01-01T10:00:00Z' },
    { id: 'b', severity: 'critical', fired: '2026-01-01T09:00:00Z' },
    { id: 'c', severity: 'warning', fired: '2026-01-01T11:00:00Z' },
    { id: 'd', severity: 'critical', fired: '2026-01-01T12:00:00Z' },
  ];
  assert.deepEqual(sortAlerts(alerts).map((a) => a.id), ['d', 'b', 'c', 'a']);
  assert.deepEqual(alerts.map((a) => a.id), ['a', 'b', 'c', 'd'], 'the list given is left as it was');
});

test('rules are described in words', () => {
  assert.equal(describeRule({ kind: 'camera-down', camera: 'door', holdSeconds: 120 }), 'Camera door not online for 2 min');
  assert.equal(describeRule({ kind: 'camera-down', holdSeconds: 60 }), 'Every camera not online for 1 min');
  assert.equal(describeRule({ kind: 'zone-occupancy', camera: 'door', zone: 'queue', threshold: 8, holdSeconds: 30 }),
    'More than 8 people in zone queue of camera door for 30 s');
  assert.equal(describeRule({ kind: 'site-occupancy', site: 'shop', threshold: 150, lines: ['door/entrance'], holdSeconds: 3600 }),
    'More than 150 people in site shop (lines door/entrance) for 1 h');
  assert.equal(describeRule({ kind: 'closing-imbalance', site: 'shop', threshold: 0.1, closingTime: '21:00' }),
    'In and out of site shop differ by more than 10 % at 21:00');
  assert.equal(describeRule({ kind: 'dropped-frames', threshold: 0.2, holdSeconds: 300 }),
    'More than 20 % of the frames of every camera dropped for 5 min');
  assert.equal(describeRule({ kind: 'count-anomaly', camera: 'door', holdSeconds: 0 }),
    'People in at camera door more than 4 deviations from the same hour of the last 4 weeks');
});

test('the rule form sends what was typed and leaves the rest to the server', () => {
  assert.deepEqual(ruleBody({ name: ' Queue ', kind: 'zone-occupancy', camera: 'door', zone: 'queue', threshold: '8', holdSeconds: '', severity: 'critical' }),
    { body: { name: 'Queue', kind: 'zone-occupancy', camera: 'door', zone: 'queue', threshold: 8, severity: 'critical' } });
  assert.deepEqual(ruleBody({ name: 'Dark', kind: 'camera-down', camera: '', site: 'shop', zone: 'left over', threshold: '4' }),
    { body: { name: 'Dark', kind: 'camera-down', site: 'shop', severity: 'warning' } });
  assert.equal(ruleBody({ name: '', kind: 'camera-down' }).error.field, 'name');
  assert.equal(ruleBody({ name: 'x', kind: 'zone-occupancy' }).error.field, 'threshold');
  assert.equal(ruleBody({ name: 'x', kind: 'site-occupancy', threshold: '3' }).error.field, 'site');
  assert.equal(ruleBody({ name: 'x', kind: 'zone-occupancy', threshold: '-1' }).error.field, 'threshold');
  assert.equal(ruleBody({ name: 'x', kind: 'sunspots' }).error.field, 'kind');
  assert.equal(ruleBody({ name: 'x', kind: 'dropped-frames', threshold: '20' }).error.field, 'threshold');
  assert.deepEqual(ruleBody({ name: 'Balance', kind: 'closing-imbalance', site: 'shop', camera: 'door', closingTime: '21:00', threshold: '0.1' }),
    { body: { name: 'Balance', kind: 'closing-imbalance', site: 'shop', closingTime: '21:00', threshold: 0.1, severity: 'warning' } });
  assert.equal(ruleBody({ name: 'x', kind: 'closing-imbalance', site: 'shop', closingTime: '9pm', threshold: '0.1' }).error.field, 'closingTime');
  assert.equal(ruleBody({ name: 'x', kind: 'zone-occupancy', threshold: '3', closingTime: '21:00' }).body.closingTime, undefined);
  assert.deepEqual(ruleBody({ name: 'Odd', kind: 'count-anomaly', camera: 'door', holdSeconds: '0' }),
    { body: { name: 'Odd', kind: 'count-anomaly', camera: 'door', holdSeconds: 0, severity: 'warning' } });
});
