import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addLine, addZone, cancel, createEditor, crossingEdges, finishZone, flipLine, hitTest, inArrow, nudgeSelected, pointerDown, pointerMove,
  pointerUp, remove, rename, setTool, toGeometry, validate,
} from '../../Sources/Server/Dashboard/js/geometry-editor.js';

const empty = () => createEditor({ lines: [], zones: [] }, 768, 576);

function drag(state, from, to, tolerance = 5) {
  let next = pointerDown(state, from, tolerance);
  next = pointerMove(next, [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2]);
  next = pointerMove(next, to);
  return pointerUp(next, to, tolerance);
}

test('dragging with the line tool makes a named, selected line', () => {
  const state = drag(setTool(empty(), 'line'), [100, 50], [100, 400]);
  assert.deepEqual(toGeometry(state), { lines: [{ name: 'line-1', a: [100, 50], b: [100, 400] }], zones: [] });
  assert.deepEqual(state.selected, { kind: 'line', index: 0 });
  assert.equal(state.tool, 'select');
  assert.equal(state.dirty, true);
});

test('a click, then another click, also makes a line', () => {
  let state = setTool(empty(), 'line');
  state = pointerUp(pointerDown(state, [10, 10], 5), [10, 10], 5);
  assert.equal(state.lines.length, 0, 'one click leaves the line waiting for its other end');
  state = pointerMove(state, [200, 10]);
  state = pointerUp(pointerDown(state, [200, 10], 5), [200, 10], 5);
  assert.deepEqual(toGeometry(state).lines, [{ name: 'line-1', a: [10, 10], b: [200, 10] }]);
});

test('points are kept inside the picture', () => {
  const state = drag(setTool(empty(), 'line'), [-50, 20], [900, 700]);
  assert.deepEqual(toGeometry(state).lines[0], { name: 'line-1', a: [0, 20], b: [768, 576] });
});

test('dragging an end point moves only that end; dragging the line moves both', () => {
  let state = drag(setTool(empty(), 'line'), [100, 100], [100, 300]);
  state = drag(state, [101, 299], [150, 350]);
  assert.deepEqual(toGeometry(state).lines[0], { name: 'line-1', a: [100, 100], b: [150, 350] });
  state = drag(state, [125, 225], [135, 235]);
  assert.deepEqual(toGeometry(state).lines[0], { name: 'line-1', a: [110, 110], b: [160, 360] });
});

test('moving a whole line stops at the picture’s edge without bending it', () => {
  let state = drag(setTool(empty(), 'line'), [10, 100], [10, 300]);
  state = drag(state, [10, 200], [-100, 200]);
  assert.deepEqual(toGeometry(state).lines[0], { name: 'line-1', a: [0, 100], b: [0, 300] });
});

test('zones are drawn corner by corner and closed on the first corner', () => {
  let state = setTool(empty(), 'zone');
  for (const p of [[10, 10], [110, 10], [110, 110], [10, 110]]) state = pointerUp(pointerDown(state, p, 8), p, 8);
  state = pointerUp(pointerDown(state, [12, 12], 8), [12, 12], 8);
  assert.deepEqual(toGeometry(state).zones, [{ name: 'zone-1', polygon: [[10, 10], [110, 10], [110, 110], [10, 110]] }]);
  assert.equal(state.draft, null);
});

test('a zone of two corners cannot be finished; Escape drops it', () => {
  let state = setTool(empty(), 'zone');
  for (const p of [[10, 10], [110, 10]]) state = pointerDown(state, p, 8);
  assert.equal(finishZone(state), state);
  assert.equal(cancel(state).draft, null);
});

test('dragging a corner reshapes the zone', () => {
  let state = createEditor({ lines: [], zones: [{ name: 'queue', polygon: [[0, 0], [100, 0], [100, 100], [0, 100]] }] }, 768, 576);
  state = drag(state, [100, 100], [150, 120]);
  assert.deepEqual(toGeometry(state).zones[0].polygon, [[0, 0], [100, 0], [150, 120], [0, 100]]);
});

test('the in-arrow points to the side that counts in, and flipping reverses it', () => {
  // The core counts "in" for a move to the side where (B−A) × (P−A) > 0.
  const line = { name: 'door', a: [0, 0], b: [10, 0] };
  const side = (l, p) => Math.sign((l.b[0] - l.a[0]) * (p[1] - l.a[1]) - (l.b[1] - l.a[1]) * (p[0] - l.a[0]));
  const arrow = inArrow(line, 30);
  assert.deepEqual(arrow.from, [5, 0]);
  assert.equal(side(line, arrow.to), 1);
  const flipped = flipLine(createEditor({ lines: [line], zones: [] }, 768, 576), 0).lines[0];
  assert.deepEqual(flipped, { name: 'door', a: [10, 0], b: [0, 0] });
  assert.equal(side(line, inArrow(flipped, 30).to), -1);
});

test('hit testing prefers handles, then bodies, and the selected item first', () => {
  const state = createEditor({
    lines: [{ name: 'a', a: [0, 0], b: [100, 0] }],
    zones: [{ name: 'z', polygon: [[50, -50], [150, -50], [150, 50], [50, 50]] }],
  }, 768, 576);
  assert.deepEqual(hitTest(state, [99, 1], 5), { kind: 'line', index: 0, handle: 'b' });
  assert.deepEqual(hitTest(state, [70, 2], 5), { kind: 'line', index: 0, handle: 'body' });
  assert.deepEqual(hitTest(state, [120, 20], 5), { kind: 'zone', index: 0, handle: 'body' });
  assert.deepEqual(hitTest(state, [150, 50], 5), { kind: 'zone', index: 0, handle: 2 });
  assert.equal(hitTest(state, [400, 400], 5), null);
});

test('renaming, removing and nudging', () => {
  let state = createEditor({ lines: [{ name: 'a', a: [10, 10], b: [20, 20] }, { name: 'b', a: [30, 30], b: [40, 40] }], zones: [] }, 768, 576);
  state = { ...state, selected: { kind: 'line', index: 1 } };
  state = rename(state, 'line', 1, 'exit');
  state = nudgeSelected(state, -5, 0);
  assert.deepEqual(toGeometry(state).lines[1], { name: 'exit', a: [25, 30], b: [35, 40] });
  state = remove(state, 'line', 0);
  assert.deepEqual(state.selected, { kind: 'line', index: 0 }, 'the selection follows the item');
  assert.deepEqual(toGeometry(state).lines.map((l) => l.name), ['exit']);
});

test('validation names the fields the API would refuse', () => {
  const state = createEditor({
    lines: [{ name: 'x', a: [1, 1], b: [1, 1] }, { name: 'x', a: [0, 0], b: [900, 0] }],
    zones: [{ name: '', polygon: [[0, 0], [100, 100], [100, 0], [0, 100]] }, { name: 'z', polygon: [[0, 0], [1, 1]] }],
  }, 768, 576);
  assert.deepEqual(validate(state).map((p) => p.field), [
    'lines[1].name', 'zones[0].name', 'lines[0].b', 'lines[1].b', 'zones[0].polygon', 'zones[1].polygon',
  ]);
  assert.deepEqual(validate(createEditor({ lines: [{ name: 'ok', a: [0, 0], b: [768, 576] }], zones: [] }, 768, 576)), []);
});

test('crossing edges are found, neighbouring edges are not a crossing', () => {
  assert.deepEqual(crossingEdges([[0, 0], [100, 100], [100, 0], [0, 100]]), [0, 2]);
  assert.equal(crossingEdges([[0, 0], [100, 0], [100, 100], [0, 100]]), null);
});

test('lines and zones can be added without a pointer, selected, then moved with the keys', () => {
  let state = addLine(empty());
  assert.deepEqual(toGeometry(state).lines, [{ name: 'line-1', a: [230, 288], b: [538, 288] }]);
  assert.deepEqual(state.selected, { kind: 'line', index: 0 });
  state = nudgeSelected(state, 0, -10);
  assert.deepEqual(toGeometry(state).lines[0].a, [230, 278]);
  state = addZone(state);
  assert.deepEqual(state.selected, { kind: 'zone', index: 0 });
  assert.equal(state.zones[0].polygon.length, 4);
  assert.deepEqual(validate(state), []);
});

test('without a known picture size nothing is kept inside a guessed one', () => {
  const geometry = { lines: [{ name: 'far', a: [1800, 900], b: [1900, 1000] }], zones: [] };
  const unbounded = createEditor(geometry, 1280, 720, { bounded: false });
  assert.deepEqual(validate(unbounded), [], 'the API checks points only once it knows the frame');
  const moved = drag(unbounded, [1900, 1000], [2500, 1400]);
  assert.deepEqual(toGeometry(moved).lines[0].b, [2500, 1400]);
  assert.deepEqual(validate(createEditor(geometry, 1280, 720)).map((p) => p.field), ['lines[0].a', 'lines[0].b']);
});
