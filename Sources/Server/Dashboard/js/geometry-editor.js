// The line and zone editor's state, in the camera's pixels. Pure functions: each takes a state
// and returns a new one; the page draws it (draw.js) and feeds it pointer and key events.
//
// A line from A to B counts "in" for people moving to its right-hand side as seen in the picture
// when walking from A to B (the side where (B−A) × (P−A) > 0 with y pointing down) — the arrow
// drawn at its middle. Flipping swaps A and B.

export const LIMITS = { lines: 50, zones: 50, minCorners: 3, maxCorners: 100, nameLength: 100 };

/**
 * A new editor on `geometry` (`{lines, zones}` as the API gives them) over a `width`×`height`
 * picture. `bounded: false` is for a camera whose picture size is not known (one that pushes its
 * detections): points are then not kept inside `width`×`height`, as the API does not check them.
 */
export function createEditor(geometry, width, height, { bounded = true } = {}) {
  return {
    width,
    height,
    bounded,
    lines: (geometry?.lines ?? []).map((line) => ({ name: line.name, a: [...line.a], b: [...line.b] })),
    zones: (geometry?.zones ?? []).map((zone) => ({ name: zone.name, polygon: zone.polygon.map((p) => [...p]) })),
    tool: 'select',
    selected: null,
    draft: null,
    drag: null,
    dirty: false,
  };
}

/** The geometry to `PUT`, with whole-pixel points. */
export function toGeometry(state) {
  const round = (p) => [Math.round(p[0]), Math.round(p[1])];
  return {
    lines: state.lines.map((line) => ({ name: line.name, a: round(line.a), b: round(line.b) })),
    zones: state.zones.map((zone) => ({ name: zone.name, polygon: zone.polygon.map(round) })),
  };
}

export function setTool(state, tool) {
  return { ...state, tool, draft: null, drag: null };
}

function limits(state) {
  return state.bounded === false ? [Infinity, Infinity] : [state.width, state.height];
}

function clamp(state, p) {
  const [width, height] = limits(state);
  return [Math.min(width, Math.max(0, p[0])), Math.min(height, Math.max(0, p[1]))];
}

function distance(p, q) {
  return Math.hypot(p[0] - q[0], p[1] - q[1]);
}

/** Distance from `p` to the segment a–b. */
export function distanceToSegment(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2));
  return distance(p, [a[0] + t * dx, a[1] + t * dy]);
}

/** Whether `p` lies inside `polygon` (even-odd rule). */
export function pointInPolygon(p, polygon) {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A fresh name `prefix-N` not used by `items`. */
export function freshName(items, prefix) {
  const used = new Set(items.map((item) => item.name));
  for (let n = 1; ; n += 1) {
    if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
  }
}

/**
 * What is under `p` within `tolerance` pixels: an end point or corner first, then a line or the
 * inside of a zone, the selected item before others. `{kind, index, handle}` or null, where
 * `handle` is `a`, `b`, a corner index, or `body`.
 */
export function hitTest(state, p, tolerance) {
  const order = (count, kind) => {
    const indices = [...Array(count).keys()].reverse();
    if (state.selected?.kind === kind) {
      indices.splice(indices.indexOf(state.selected.index), 1);
      indices.unshift(state.selected.index);
    }
    return indices;
  };
  for (const index of order(state.lines.length, 'line')) {
    const line = state.lines[index];
    if (distance(p, line.a) <= tolerance) return { kind: 'line', index, handle: 'a' };
    if (distance(p, line.b) <= tolerance) return { kind: 'line', index, handle: 'b' };
  }
  for (const index of order(state.zones.length, 'zone')) {
    const corner = state.zones[index].polygon.findIndex((q) => distance(p, q) <= tolerance);
    if (corner >= 0) return { kind: 'zone', index, handle: corner };
  }
  for (const index of order(state.lines.length, 'line')) {
    const line = state.lines[index];
    if (distanceToSegment(p, line.a, line.b) <= tolerance) return { kind: 'line', index, handle: 'body' };
  }
  for (const index of order(state.zones.length, 'zone')) {
    if (pointInPolygon(p, state.zones[index].polygon)) return { kind: 'zone', index, handle: 'body' };
  }
  return null;
}

/** A press at `p` (picture pixels); `tolerance` is how near counts as on a handle. */
export function pointerDown(state, p, tolerance) {
  const at = clamp(state, p);
  if (state.tool === 'line') {
    if (state.draft?.kind === 'line' && !state.draft.pressed) {
      return { ...state, draft: { ...state.draft, b: at, pressed: true } };
    }
    if (state.lines.length >= LIMITS.lines) return state;
    return { ...state, draft: { kind: 'line', a: at, b: at, pressed: true } };
  }
  if (state.tool === 'zone') {
    const points = state.draft?.kind === 'zone' ? state.draft.points : [];
    if (points.length >= LIMITS.minCorners && distance(at, points[0]) <= tolerance) return finishZone(state);
    if (points.length >= LIMITS.maxCorners || state.zones.length >= LIMITS.zones) return state;
    return { ...state, draft: { kind: 'zone', points: [...points, at], hover: at } };
  }
  const hit = hitTest(state, at, tolerance);
  if (!hit) return { ...state, selected: null, drag: null };
  return { ...state, selected: { kind: hit.kind, index: hit.index }, drag: { ...hit, last: at } };
}

/** The pointer moved to `p`: drags what is held, or previews what is being drawn. */
export function pointerMove(state, p) {
  const at = clamp(state, p);
  if (state.draft?.kind === 'line') return { ...state, draft: { ...state.draft, b: at } };
  if (state.draft?.kind === 'zone') return { ...state, draft: { ...state.draft, hover: at } };
  if (!state.drag) return state;
  const { kind, index, handle, last } = state.drag;
  const moved = { ...state, drag: { ...state.drag, last: at }, dirty: true };
  if (kind === 'line') {
    const line = state.lines[index];
    let next;
    if (handle === 'a' || handle === 'b') {
      next = { ...line, [handle]: at };
    } else {
      const [dx, dy] = shiftWithin(state, [line.a, line.b], at[0] - last[0], at[1] - last[1]);
      next = { ...line, a: [line.a[0] + dx, line.a[1] + dy], b: [line.b[0] + dx, line.b[1] + dy] };
    }
    moved.lines = state.lines.map((item, i) => (i === index ? next : item));
  } else {
    const zone = state.zones[index];
    let polygon;
    if (handle === 'body') {
      const [dx, dy] = shiftWithin(state, zone.polygon, at[0] - last[0], at[1] - last[1]);
      polygon = zone.polygon.map((q) => [q[0] + dx, q[1] + dy]);
    } else {
      polygon = zone.polygon.map((q, i) => (i === handle ? at : q));
    }
    moved.zones = state.zones.map((item, i) => (i === index ? { ...zone, polygon } : item));
  }
  return moved;
}

/** The largest part of the move (dx, dy) that keeps every point inside the picture. */
function shiftWithin(state, points, dx, dy) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [width, height] = limits(state);
  const cx = Math.max(-Math.min(...xs), Math.min(width - Math.max(...xs), dx));
  const cy = Math.max(-Math.min(...ys), Math.min(height - Math.max(...ys), dy));
  return [cx, cy];
}

/** The press ended at `p`. A line drawn by dragging is made here; a click leaves it waiting for its second end. */
export function pointerUp(state, p, tolerance) {
  if (state.draft?.kind === 'line') {
    const at = clamp(state, p);
    const draft = { ...state.draft, b: at, pressed: false };
    if (distance(draft.a, draft.b) <= tolerance) return { ...state, draft };
    const line = { name: freshName(state.lines, 'line'), a: draft.a, b: draft.b };
    return {
      ...state,
      lines: [...state.lines, line],
      draft: null,
      tool: 'select',
      selected: { kind: 'line', index: state.lines.length },
      dirty: true,
    };
  }
  return { ...state, drag: null };
}

/** Adds a line across the middle of the picture and selects it: drawing without a pointer. */
export function addLine(state) {
  if (state.lines.length >= LIMITS.lines) return state;
  const y = Math.round(state.height / 2);
  const line = { name: freshName(state.lines, 'line'), a: [Math.round(state.width * 0.3), y], b: [Math.round(state.width * 0.7), y] };
  return { ...state, lines: [...state.lines, line], draft: null, tool: 'select', selected: { kind: 'line', index: state.lines.length }, dirty: true };
}

/** Adds a rectangular zone in the middle of the picture and selects it: drawing without a pointer. */
export function addZone(state) {
  if (state.zones.length >= LIMITS.zones) return state;
  const [x0, x1] = [Math.round(state.width * 0.35), Math.round(state.width * 0.65)];
  const [y0, y1] = [Math.round(state.height * 0.35), Math.round(state.height * 0.65)];
  const zone = { name: freshName(state.zones, 'zone'), polygon: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] };
  return { ...state, zones: [...state.zones, zone], draft: null, tool: 'select', selected: { kind: 'zone', index: state.zones.length }, dirty: true };
}

/** Closes the zone being drawn (at least three corners), or leaves the state as it was. */
export function finishZone(state) {
  if (state.draft?.kind !== 'zone' || state.draft.points.length < LIMITS.minCorners) return state;
  const zone = { name: freshName(state.zones, 'zone'), polygon: state.draft.points };
  return {
    ...state,
    zones: [...state.zones, zone],
    draft: null,
    tool: 'select',
    selected: { kind: 'zone', index: state.zones.length },
    dirty: true,
  };
}

/** Drops what is being drawn, or else the selection. */
export function cancel(state) {
  if (state.draft) return { ...state, draft: null };
  return { ...state, selected: null, drag: null };
}

/** Swaps a line's ends, so its in-direction points the other way. */
export function flipLine(state, index) {
  const lines = state.lines.map((line, i) => (i === index ? { ...line, a: line.b, b: line.a } : line));
  return { ...state, lines, dirty: true };
}

export function rename(state, kind, index, name) {
  const key = kind === 'line' ? 'lines' : 'zones';
  return { ...state, [key]: state[key].map((item, i) => (i === index ? { ...item, name } : item)), dirty: true };
}

export function remove(state, kind, index) {
  const key = kind === 'line' ? 'lines' : 'zones';
  const selected = state.selected?.kind === kind && state.selected.index === index ? null : state.selected;
  const shifted = selected && selected.kind === kind && selected.index > index ? { kind, index: selected.index - 1 } : selected;
  return { ...state, [key]: state[key].filter((_, i) => i !== index), selected: shifted, dirty: true };
}

/** Moves the selected line or zone by (dx, dy) pixels, staying inside the picture (arrow keys). */
export function nudgeSelected(state, dx, dy) {
  if (!state.selected) return state;
  const { kind, index } = state.selected;
  const points = kind === 'line' ? [state.lines[index].a, state.lines[index].b] : state.zones[index].polygon;
  const [cx, cy] = shiftWithin(state, points, dx, dy);
  const move = (p) => [p[0] + cx, p[1] + cy];
  if (kind === 'line') {
    const lines = state.lines.map((line, i) => (i === index ? { ...line, a: move(line.a), b: move(line.b) } : line));
    return { ...state, lines, dirty: true };
  }
  const zones = state.zones.map((zone, i) => (i === index ? { ...zone, polygon: zone.polygon.map(move) } : zone));
  return { ...state, zones, dirty: true };
}

/** The arrow showing a line's in-direction: from its middle, `length` pixels towards the "in" side. */
export function inArrow(line, length = 30) {
  const [ax, ay] = line.a;
  const [bx, by] = line.b;
  const dx = bx - ax;
  const dy = by - ay;
  const norm = Math.hypot(dx, dy) || 1;
  const mid = [(ax + bx) / 2, (ay + by) / 2];
  return { from: mid, to: [mid[0] + (-dy / norm) * length, mid[1] + (dx / norm) * length] };
}

function segmentsCross(p1, p2, p3, p4) {
  const orient = (o, u, v) => Math.sign((u[0] - o[0]) * (v[1] - o[1]) - (u[1] - o[1]) * (v[0] - o[0]));
  const onSegment = (o, u, v) => Math.min(o[0], u[0]) <= v[0] && v[0] <= Math.max(o[0], u[0])
    && Math.min(o[1], u[1]) <= v[1] && v[1] <= Math.max(o[1], u[1]);
  const d1 = orient(p3, p4, p1);
  const d2 = orient(p3, p4, p2);
  const d3 = orient(p1, p2, p3);
  const d4 = orient(p1, p2, p4);
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (d1 === 0 && onSegment(p3, p4, p1)) || (d2 === 0 && onSegment(p3, p4, p2))
    || (d3 === 0 && onSegment(p1, p2, p3)) || (d4 === 0 && onSegment(p1, p2, p4));
}

/** The first pair of non-neighbouring edges of a closed polygon that touch or cross, or null. */
export function crossingEdges(polygon) {
  const n = polygon.length;
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsCross(polygon[i], polygon[(i + 1) % n], polygon[j], polygon[(j + 1) % n])) return [i, j];
    }
  }
  return null;
}

/**
 * What the API would refuse, found before saving: `[{field, message}]` with the API's field
 * names (`lines[0].b`), empty when the geometry can be saved.
 */
export function validate(state) {
  const problems = [];
  const inside = (p) => state.bounded === false || (p[0] >= 0 && p[1] >= 0 && p[0] <= state.width && p[1] <= state.height);
  const checkNames = (items, key) => {
    const seen = new Set();
    items.forEach((item, i) => {
      const name = item.name.trim();
      if (!name) problems.push({ field: `${key}[${i}].name`, message: 'needs a name' });
      else if (name.length > LIMITS.nameLength) problems.push({ field: `${key}[${i}].name`, message: 'name is too long' });
      else if (seen.has(name)) problems.push({ field: `${key}[${i}].name`, message: `the name “${name}” is used twice` });
      seen.add(name);
    });
  };
  checkNames(state.lines, 'lines');
  checkNames(state.zones, 'zones');
  if (state.lines.length > LIMITS.lines) problems.push({ field: 'lines', message: `at most ${LIMITS.lines} lines` });
  if (state.zones.length > LIMITS.zones) problems.push({ field: 'zones', message: `at most ${LIMITS.zones} zones` });
  state.lines.forEach((line, i) => {
    if (distance(line.a, line.b) < 1) problems.push({ field: `lines[${i}].b`, message: 'the two ends must differ' });
    for (const end of ['a', 'b']) {
      if (!inside(line[end])) problems.push({ field: `lines[${i}].${end}`, message: 'lies outside the picture' });
    }
  });
  state.zones.forEach((zone, i) => {
    const corners = zone.polygon.length;
    if (corners < LIMITS.minCorners || corners > LIMITS.maxCorners) {
      problems.push({ field: `zones[${i}].polygon`, message: `needs ${LIMITS.minCorners} to ${LIMITS.maxCorners} corners` });
    } else if (crossingEdges(zone.polygon)) {
      problems.push({ field: `zones[${i}].polygon`, message: 'its edges cross: a zone must be a simple polygon' });
    }
    if (zone.polygon.some((p) => !inside(p))) problems.push({ field: `zones[${i}].polygon`, message: 'lies outside the picture' });
  });
  return problems;
}
