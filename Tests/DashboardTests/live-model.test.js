import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analysisText, applyLiveMessage, overviewFrom, overviewTotals, RECENT_LIMIT, zoneCountedText } from '../../Sources/Server/Dashboard/js/live-model.js';

// The same contract fixture the Swift tests and docs/api.md use.
const fixture = readFileSync(fileURLToPath(new URL('../../Fixtures/live-messages.jsonl', import.meta.url)), 'utf8')
  .split('\n').filter(Boolean).map((line) => JSON.parse(line));

const door = {
  id: 'door', name: 'Door', enabled: true, status: 'online', geometryVersion: 3,
  lines: [{ name: 'entrance', a: [0, 0], b: [10, 0] }],
  zones: [{ name: 'lobby', polygon: [[0, 0], [5, 0], [0, 5]] }],
};

test('the fixture holds every kind of message', () => {
  assert.deepEqual(new Set(fixture.map((m) => m.type)), new Set(['hello', 'crossing', 'occupancy', 'status', 'camera', 'alert']));
});

test('the overview starts from the camera list and the live totals', () => {
  const state = overviewFrom([door], { cameras: [{ id: 'door', status: 'stalled', fps: 9.5, lines: [{ name: 'entrance', in: 7, out: 2 }], zones: [{ name: 'lobby', occupancy: 4 }] }] });
  const row = state.rows.get('door');
  assert.equal(row.status, 'stalled');
  assert.equal(row.fps, 9.5);
  assert.deepEqual(row.lines, [{ name: 'entrance', in: 7, out: 2 }]);
  assert.deepEqual(row.zones, [{ name: 'lobby', occupancy: 4, counted: null }]);
  assert.deepEqual(overviewTotals(state), { in: 7, out: 2, occupancy: 4, online: 0, cameras: 1 });
});

test('a zone with entrances shows its occupancy from their counts and the drift; others show nothing', () => {
  const state = overviewFrom([{ ...door, zones: [{ name: 'lobby', polygon: [] }, { name: 'till', polygon: [] }] }], { cameras: [{
    id: 'door', status: 'online', lines: [], zones: [{ name: 'lobby', occupancy: 3, counted: 5, drift: 2 }, { name: 'till', occupancy: 1 }],
  }] });
  const [lobby, till] = state.rows.get('door').zones;
  assert.equal(zoneCountedText(lobby), 'counted 5 · drift +2');
  assert.equal(zoneCountedText(till), '');
  assert.equal(zoneCountedText({ name: 'hall', occupancy: 2, counted: 1 }), 'counted 1 · drift -1');
  assert.equal(zoneCountedText({ name: 'hall', occupancy: 2, counted: 2 }), 'counted 2 · drift 0');
  // An occupancy message without `counted` (a zone without entrances) clears it.
  const next = applyLiveMessage(state, { type: 'occupancy', camera: 'door', zone: 'lobby', occupancy: 4, time: '2026-11-25T10:00:03Z' });
  assert.equal(next.state.rows.get('door').zones[0].counted, null);
});

test('a card says how much a camera could not analyse, and when it runs at its minimum rate', () => {
  const cameras = [door, { ...door, id: 'yard' }, { ...door, id: 'gate' }];
  const state = overviewFrom(cameras, { cameras: [
    { id: 'door', status: 'online', fps: 2, dropped: 0.6, reducedRate: true, lines: [], zones: [] },
    { id: 'yard', status: 'online', fps: 5, dropped: 0, reducedRate: false, lines: [], zones: [] },
    { id: 'gate', status: 'stalled', fps: 5, lines: [], zones: [] },
  ] });
  assert.equal(analysisText(state.rows.get('door')), '2.0 fps · 60 % not analysed · minimum rate: detection is behind');
  assert.equal(analysisText(state.rows.get('yard')), '5.0 fps');
  assert.equal(analysisText(state.rows.get('gate')), '');
});

test('a camera with no live state yet shows zeros; a disabled one reads disabled', () => {
  const state = overviewFrom([door, { ...door, id: 'yard', enabled: false }], { cameras: [{ id: 'yard', status: 'online', lines: [], zones: [] }] });
  assert.deepEqual(state.rows.get('door').lines, [{ name: 'entrance', in: 0, out: 0 }]);
  assert.equal(state.rows.get('yard').status, 'disabled');
});

test('every fixture message is applied as the contract says', () => {
  let state = overviewFrom([door], { cameras: [{ id: 'door', status: 'online', fps: 10, lines: [], zones: [], frame: { width: 768, height: 576 } }] });
  const effects = [];
  for (const message of fixture) {
    const result = applyLiveMessage(state, message);
    state = result.state;
    effects.push([message.type, result.changed, result.reload]);
  }
  assert.deepEqual(effects, [
    ['hello', null, false],
    ['crossing', 'door', false],
    ['crossing', 'door', false],
    ['occupancy', 'door', false],
    ['status', 'door', false],
    ['status', 'door', true],
    ['camera', 'door', true],
    ['camera', 'door', true],
    ['alert', null, false],
    ['alert', null, false],
  ]);
  const row = state.rows.get('door');
  assert.deepEqual(row.lines, [{ name: 'entrance', in: 4, out: 3 }], 'the totals are the message’s, not counted here');
  assert.deepEqual(row.zones, [{ name: 'lobby', occupancy: 3, counted: 4 }]);
  assert.equal(row.status, 'stalled');
  assert.equal(row.reason, 'no frame for 15 s');
  assert.deepEqual(state.recent.map((c) => [c.direction, c.track]), [['out', 18], ['in', 17]], 'newest first');
});

test('messages about unknown cameras or lines ask for a reload and change nothing', () => {
  const state = overviewFrom([door], null);
  const crossing = fixture.find((m) => m.type === 'crossing');
  assert.deepEqual(applyLiveMessage(state, { ...crossing, camera: 'ghost' }), { state, changed: null, reload: true });
  assert.deepEqual(applyLiveMessage(state, { ...crossing, line: 'new-line' }), { state, changed: null, reload: true });
  assert.deepEqual(applyLiveMessage(state, { type: 'party', camera: 'door' }), { state, changed: null, reload: false });
  assert.deepEqual(applyLiveMessage(state, null), { state, changed: null, reload: false });
});

test('applying a message leaves the state it was given untouched', () => {
  const state = overviewFrom([door], null);
  applyLiveMessage(state, fixture.find((m) => m.type === 'crossing'));
  assert.deepEqual(state.rows.get('door').lines, [{ name: 'entrance', in: 0, out: 0 }]);
  assert.deepEqual(state.recent, []);
});

test('a disabled camera keeps reading disabled whatever status arrives', () => {
  const state = overviewFrom([{ ...door, enabled: false }], null);
  const result = applyLiveMessage(state, { type: 'status', camera: 'door', status: 'online', time: '2026-11-25T10:00:00Z' });
  assert.equal(result.state.rows.get('door').status, 'disabled');
});

test('recent crossings keep only the newest', () => {
  let state = overviewFrom([door], null);
  for (let track = 0; track < RECENT_LIMIT + 5; track += 1) {
    state = applyLiveMessage(state, { type: 'crossing', camera: 'door', line: 'entrance', direction: 'in', track, in: track + 1, out: 0, time: '2026-11-25T10:00:00Z' }).state;
  }
  assert.equal(state.recent.length, RECENT_LIMIT);
  assert.equal(state.recent[0].track, RECENT_LIMIT + 4);
});

test('a camera that comes online before its picture size is known asks for a reload', () => {
  const state = overviewFrom([door], null);
  const result = applyLiveMessage(state, { type: 'status', camera: 'door', status: 'online', time: '2026-11-25T10:00:00Z' });
  assert.equal(result.reload, true);
  assert.equal(result.state.rows.get('door').status, 'online');
});

test('a status change reads the totals again, so a crossing message missed meanwhile is made good', () => {
  const state = overviewFrom([door], { cameras: [{ id: 'door', status: 'online', lines: [], zones: [], frame: { width: 768, height: 576 } }] });
  const stalled = applyLiveMessage(state, { type: 'status', camera: 'door', status: 'stalled', reason: 'no frame for 15 s', time: '2026-11-25T10:00:00Z' });
  assert.equal(stalled.reload, true);
  const again = applyLiveMessage(stalled.state, { type: 'status', camera: 'door', status: 'stalled', reason: 'no frame for 15 s', time: '2026-11-25T10:00:20Z' });
  assert.equal(again.reload, false, 'the same status again is no news');
});
