// The overview's state: every camera with its status and live numbers, changed by WebSocket
// messages (the contract is Fixtures/live-messages.jsonl). Pure functions: they return new
// state and what the page must do, and touch nothing else.

export const RECENT_LIMIT = 20;

/**
 * The overview's rows from `GET /api/v1/cameras` and `GET /api/v1/live`: one per camera, in
 * the order of the camera list. A disabled camera reads `disabled` whatever its last state.
 */
export function overviewFrom(cameras, live) {
  const states = new Map((live?.cameras ?? []).map((state) => [state.id, state]));
  const rows = new Map();
  for (const camera of cameras) {
    const state = states.get(camera.id);
    const lineTotals = new Map((state?.lines ?? []).map((line) => [line.name, line]));
    const zoneStates = new Map((state?.zones ?? []).map((zone) => [zone.name, zone]));
    rows.set(camera.id, {
      id: camera.id,
      name: camera.name,
      siteID: camera.siteID ?? null,
      enabled: camera.enabled,
      status: camera.enabled ? (state?.status ?? camera.status ?? 'offline') : 'disabled',
      fps: state?.fps ?? null,
      dropped: state?.dropped ?? null,
      reducedRate: state?.reducedRate ?? false,
      updated: state?.updated ?? null,
      frame: state?.frame ?? null,
      geometryVersion: camera.geometryVersion,
      lines: camera.lines.map((line) => ({
        name: line.name,
        in: lineTotals.get(line.name)?.in ?? 0,
        out: lineTotals.get(line.name)?.out ?? 0,
      })),
      zones: camera.zones.map((zone) => ({
        name: zone.name,
        occupancy: zoneStates.get(zone.name)?.occupancy ?? 0,
        counted: zoneStates.get(zone.name)?.counted ?? null,
      })),
    });
  }
  return { rows, recent: [] };
}

/**
 * Applies one live message. Returns `{state, changed, reload}`: `changed` is the id of the
 * camera whose row changed (or null), `reload` says the camera list must be read again (a
 * camera was added, changed or removed, or a message named a camera not known yet).
 */
export function applyLiveMessage(state, message) {
  const unchanged = { state, changed: null, reload: false };
  if (!message || typeof message !== 'object') return unchanged;
  if (message.type === 'hello') return unchanged;
  if (message.type === 'camera') return { state, changed: message.camera, reload: true };
  const row = state.rows.get(message.camera);
  if (!row) return { state, changed: null, reload: ['crossing', 'occupancy', 'status'].includes(message.type) };
  let next = row;
  let recent = state.recent;
  switch (message.type) {
    case 'crossing': {
      const known = row.lines.some((line) => line.name === message.line);
      if (!known) return { state, changed: null, reload: true };
      next = {
        ...row,
        lines: row.lines.map((line) => (line.name === message.line ? { ...line, in: message.in, out: message.out } : line)),
      };
      recent = [
        { camera: message.camera, line: message.line, direction: message.direction, time: message.time, track: message.track },
        ...recent,
      ].slice(0, RECENT_LIMIT);
      break;
    }
    case 'occupancy': {
      const known = row.zones.some((zone) => zone.name === message.zone);
      if (!known) return { state, changed: null, reload: true };
      next = {
        ...row,
        zones: row.zones.map((zone) => (zone.name === message.zone
          ? { ...zone, occupancy: message.occupancy, counted: message.counted ?? null }
          : zone)),
      };
      break;
    }
    case 'status': {
      if (!row.enabled) return unchanged;
      next = { ...row, status: message.status, reason: message.reason ?? null };
      const rows = new Map(state.rows);
      rows.set(row.id, next);
      // A camera whose status changes has started or ended a run: its totals are read again, so
      // a crossing message missed meanwhile (the socket was behind or reconnecting) is made good.
      // A camera that comes online before it has shown a picture also learns its picture size
      // then, so its snapshot can be asked for.
      const reload = message.status !== row.status || (message.status === 'online' && row.frame === null);
      return { state: { rows, recent }, changed: row.id, reload };
    }
    default:
      return unchanged;
  }
  const rows = new Map(state.rows);
  rows.set(row.id, next);
  return { state: { rows, recent }, changed: row.id, reload: false };
}

/**
 * What a camera card says about its analysis: its rate, the share of frames it could not
 * analyse, and whether detection is behind and the camera runs at its minimum rate. Empty for
 * a camera that is not online.
 */
export function analysisText(row) {
  if (row.fps === null || row.status !== 'online') return '';
  const parts = [`${row.fps.toFixed(1)} fps`];
  if (row.dropped !== null && row.dropped >= 0.005) parts.push(`${Math.round(row.dropped * 100)} % not analysed`);
  if (row.reducedRate) parts.push('minimum rate: detection is behind');
  return parts.join(' · ');
}

/**
 * What a zone tile says of a zone with entrances: its occupancy from their counts and its
 * drift from the people seen inside (`counted 4 · drift +1`). Empty for other zones.
 */
export function zoneCountedText(zone) {
  if (zone.counted === null || zone.counted === undefined) return '';
  const drift = zone.counted - zone.occupancy;
  return `counted ${zone.counted} · drift ${drift > 0 ? '+' : ''}${drift}`;
}

/** Totals over every camera of the overview: `{in, out, occupancy, online, cameras}`. */
export function overviewTotals(state) {
  const totals = { in: 0, out: 0, occupancy: 0, online: 0, cameras: state.rows.size };
  for (const row of state.rows.values()) {
    for (const line of row.lines) {
      totals.in += line.in;
      totals.out += line.out;
    }
    for (const zone of row.zones) totals.occupancy += zone.occupancy;
    if (row.status === 'online') totals.online += 1;
  }
  return totals;
}

/** Words for a status, for people. */
export const STATUS_LABELS = {
  connecting: 'Connecting',
  online: 'Online',
  stalled: 'Stalled',
  offline: 'Offline',
  failed: 'Failed',
  disabled: 'Disabled',
};
