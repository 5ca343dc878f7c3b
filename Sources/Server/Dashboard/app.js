'use strict';

const API_BASE = '/api/v1';
const SNAPSHOT_INTERVAL_MS = 2000;
const LIVE_POLL_INTERVAL_MS = 30000;
const CHART_REFRESH_INTERVAL_MS = 60000;
const REQUEST_TIMEOUT_MS = 10000;
const CAMERA_RETRY_MS = 5000;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 15000;
const MINUTE_MS = 60000;
const CHART_MINUTES = 60;
const RECENT_LIMIT = 10;
const KNOWN_STATUSES = ['connecting', 'online', 'stalled', 'offline', 'failed'];

const LINE_PALETTE = [
  { in: '#2563eb', out: '#ea580c' },
  { in: '#0d9488', out: '#c026d3' },
  { in: '#4338ca', out: '#b45309' },
  { in: '#0369a1', out: '#dc2626' },
];
const ZONE_PALETTE = ['#7c3aed', '#15803d', '#be185d', '#334155'];

const CHART_STYLE = {
  font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  text: '#475569',
  grid: '#e2e8f0',
  axis: '#94a3b8',
  nowShade: 'rgba(37, 99, 235, 0.07)',
};

const CONNECTION_LABELS = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
};

const state = {
  views: new Map(),          // camera id -> view
  layoutKey: null,           // null until the camera list has loaded once
  unknownCameras: new Set(), // ids already seen in live data but not in the camera list
  reloadTimer: null,
  socket: null,
  reconnectDelayMs: RECONNECT_MIN_MS,
};
const viewsByChartWrap = new Map();
let resizeObserver = null;

// ---------------------------------------------------------------------------
// Small helpers

function byRole(root, role) {
  return root.querySelector(`[data-role="${role}"]`);
}

function createElement(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function pad2(value) {
  return String(value).padStart(2, '0');
}

function formatClock(ms, withSeconds = true) {
  const date = new Date(ms);
  const hhmm = `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
  return withSeconds ? `${hhmm}:${pad2(date.getSeconds())}` : hhmm;
}

function formatCount(value) {
  return Number(value).toLocaleString();
}

function parseTime(value) {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

// The server parses plain ISO 8601 with whole seconds, so drop the milliseconds.
function toISOSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function floorToMinute(ms) {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

// The chart's last slot is the current (partial) minute.
function chartStartFor(ms) {
  return floorToMinute(ms) - (CHART_MINUTES - 1) * MINUTE_MS;
}

function namesOf(items) {
  return Array.isArray(items) ? items.map((item) => String(item.name)) : [];
}

function cameraURL(id, suffix) {
  return `${API_BASE}/cameras/${encodeURIComponent(id)}/${suffix}`;
}

// ---------------------------------------------------------------------------
// HTTP

async function fetchWithTimeout(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, { cache: 'no-store', signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

async function fetchJSON(url) {
  const response = await fetchWithTimeout(url);
  if (!response.ok) throw new Error(await describeHTTPError(response));
  return response.json();
}

async function describeHTTPError(response) {
  try {
    const body = await response.json();
    const error = body && body.error;
    if (error && error.message) {
      return error.field ? `${error.field}: ${error.message}` : String(error.message);
    }
  } catch {
    // Not a JSON error body; fall back to the status code.
  }
  return `HTTP ${response.status}`;
}

// ---------------------------------------------------------------------------
// Camera list and cards

async function loadCameras() {
  let cameras;
  try {
    const body = await fetchJSON(`${API_BASE}/cameras`);
    cameras = Array.isArray(body.cameras) ? body.cameras : [];
  } catch (error) {
    if (state.layoutKey === null) {
      showNotice(`Can't reach the Footfall server (${error.message}). Retrying…`);
      scheduleCameraReload(CAMERA_RETRY_MS);
    }
    return;
  }

  const key = layoutKeyFor(cameras);
  if (key !== state.layoutKey) {
    state.layoutKey = key;
    renderCameras(cameras);
  } else {
    cameras.forEach(updateCameraInfo);
  }
  await pollLive();
}

// Cards are rebuilt only when something structural changes (cameras, lines, zones, size).
function layoutKeyFor(cameras) {
  return JSON.stringify(cameras.map((camera) => [
    String(camera.id), camera.width, camera.height, namesOf(camera.lines), namesOf(camera.zones),
  ]));
}

function scheduleCameraReload(delayMs = 500) {
  if (state.reloadTimer !== null) return;
  state.reloadTimer = setTimeout(() => {
    state.reloadTimer = null;
    loadCameras();
  }, delayMs);
}

function noteUnknownCamera(id) {
  const key = String(id);
  // Remember the id so a camera that never shows up in the list can't cause a reload loop.
  if (state.unknownCameras.has(key)) return;
  state.unknownCameras.add(key);
  scheduleCameraReload();
}

function camerasContainer() {
  return document.getElementById('cameras');
}

function showNotice(text) {
  const notice = createElement('p', 'notice', text);
  camerasContainer().replaceChildren(notice);
}

function showEmptyState() {
  const notice = createElement('p', 'notice');
  notice.append('No cameras yet — start with ', createElement('code', null, 'footfall serve --demo'));
  camerasContainer().replaceChildren(notice);
}

function renderCameras(cameras) {
  disposeViews();
  const container = camerasContainer();
  container.setAttribute('aria-busy', 'false');
  if (cameras.length === 0) {
    showEmptyState();
    return;
  }

  const cards = [];
  for (const camera of cameras) {
    const view = createCameraView(camera);
    state.views.set(view.id, view);
    cards.push(view.card);
  }
  container.replaceChildren(...cards);

  for (const view of state.views.values()) {
    observeChart(view);
    refreshSnapshot(view);
    loadChart(view);
  }
}

function disposeViews() {
  for (const view of state.views.values()) {
    view.disposed = true;
    if (resizeObserver) resizeObserver.unobserve(view.chart.wrap);
    viewsByChartWrap.delete(view.chart.wrap);
    if (view.snapshot.objectURL) URL.revokeObjectURL(view.snapshot.objectURL);
  }
  state.views.clear();
  state.unknownCameras.clear();
}

function createCameraView(camera) {
  const template = document.getElementById('camera-card-template');
  const card = template.content.firstElementChild.cloneNode(true);
  const view = {
    id: String(camera.id),
    name: '',
    card,
    disposed: false,
    nameEl: byRole(card, 'name'),
    statusEl: byRole(card, 'status'),
    metaEl: byRole(card, 'meta'),
    lineNames: namesOf(camera.lines),
    zoneNames: namesOf(camera.zones),
    lineTiles: new Map(),
    zoneTiles: new Map(),
    fps: null,
    updated: null,
    snapshot: {
      frame: byRole(card, 'snapshot-frame'),
      img: byRole(card, 'snapshot'),
      placeholder: byRole(card, 'snapshot-placeholder'),
      objectURL: null,
      loading: false,
    },
    chart: {
      wrap: byRole(card, 'chart-wrap'),
      canvas: byRole(card, 'chart'),
      note: byRole(card, 'chart-note'),
      legend: byRole(card, 'legend'),
      data: null,
      request: 0,
      drawPending: false,
    },
    recent: [],
    recentList: byRole(card, 'recent'),
    recentEmpty: byRole(card, 'recent-empty'),
  };

  byRole(card, 'id').textContent = view.id;
  setCameraName(view, camera.name);
  setStatus(view, camera.status);
  renderMeta(view);
  buildTiles(view, byRole(card, 'tiles'));
  prepareSnapshotFrame(view, camera);
  view.chart.data = emptyChartData(chartStartFor(Date.now()), view.lineNames, view.zoneNames);
  renderLegend(view);
  renderRecent(view);
  return view;
}

function updateCameraInfo(camera) {
  const view = state.views.get(String(camera.id));
  if (!view) return;
  setCameraName(view, camera.name);
  setStatus(view, camera.status);
}

function setCameraName(view, name) {
  view.name = name ? String(name) : view.id;
  view.nameEl.textContent = view.name;
  view.snapshot.img.alt = `Latest frame from ${view.name}`;
}

function setStatus(view, status) {
  const text = status ? String(status) : 'unknown';
  const known = KNOWN_STATUSES.includes(text) ? text : 'unknown';
  view.statusEl.className = `status-badge status-${known}`;
  view.statusEl.textContent = text;
}

function renderMeta(view) {
  const parts = [];
  if (Number.isFinite(view.fps)) parts.push(`${view.fps.toFixed(1)} fps`);
  parts.push(view.updated === null ? 'waiting for first frame' : `last frame ${formatClock(view.updated)}`);
  view.metaEl.textContent = parts.join(' · ');
}

// ---------------------------------------------------------------------------
// Tiles

function buildTiles(view, container) {
  for (const name of view.lineNames) {
    const entry = createLineTile(name);
    view.lineTiles.set(name, entry);
    container.append(entry.tile);
  }
  for (const name of view.zoneNames) {
    const entry = createZoneTile(name);
    view.zoneTiles.set(name, entry);
    container.append(entry.tile);
  }
  if (view.lineNames.length === 0 && view.zoneNames.length === 0) {
    container.append(createElement('p', 'tiles-empty', 'No lines or zones configured.'));
  }
}

function createTile(kind, name) {
  const tile = createElement('div', `tile tile-${kind}`);
  tile.append(createElement('div', 'tile-name', name));
  tile.addEventListener('animationend', () => tile.classList.remove('flash'));
  return tile;
}

function createTileValue(key, label) {
  const wrapper = createElement('div', `tile-value tile-value-${key}`);
  const number = createElement('span', 'tile-number', '–');
  wrapper.append(createElement('span', 'tile-label', label), number);
  return { wrapper, number };
}

function createLineTile(name) {
  const tile = createTile('line', name);
  const values = createElement('div', 'tile-values');
  const inValue = createTileValue('in', 'in');
  const outValue = createTileValue('out', 'out');
  values.append(inValue.wrapper, outValue.wrapper);
  tile.append(values);
  return { tile, numbers: { in: inValue.number, out: outValue.number }, values: { in: null, out: null } };
}

function createZoneTile(name) {
  const tile = createTile('zone', name);
  const values = createElement('div', 'tile-values');
  const occupancy = createTileValue('occupancy', 'occupancy');
  values.append(occupancy.wrapper);
  tile.append(values);
  return { tile, numbers: { occupancy: occupancy.number }, values: { occupancy: null } };
}

function setTileNumber(entry, key, value) {
  if (!Number.isFinite(value)) return;
  const previous = entry.values[key];
  if (previous === value) return;
  entry.values[key] = value;
  entry.numbers[key].textContent = formatCount(value);
  // Don't flash when the first value arrives, only on real changes.
  if (previous !== null) flashTile(entry.tile);
}

function flashTile(tile) {
  tile.classList.remove('flash');
  void tile.offsetWidth; // restart the CSS animation if it is already running
  tile.classList.add('flash');
}

// ---------------------------------------------------------------------------
// Live values (polling)

async function pollLive() {
  try {
    applyLive(await fetchJSON(`${API_BASE}/live`));
  } catch {
    // Keep the last known values; the WebSocket or the next poll will catch up.
  }
}

function applyLive(live) {
  if (state.layoutKey === null || !live || !Array.isArray(live.cameras)) return;
  for (const camera of live.cameras) {
    const view = state.views.get(String(camera.id));
    if (!view) {
      noteUnknownCamera(camera.id);
      continue;
    }
    if (camera.status) setStatus(view, camera.status);
    view.fps = typeof camera.fps === 'number' ? camera.fps : null;
    view.updated = parseTime(camera.updated);
    renderMeta(view);

    for (const line of camera.lines || []) {
      const entry = view.lineTiles.get(String(line.name));
      if (!entry) continue;
      setTileNumber(entry, 'in', line.in);
      setTileNumber(entry, 'out', line.out);
    }
    for (const zone of camera.zones || []) {
      const entry = view.zoneTiles.get(String(zone.name));
      if (entry) setTileNumber(entry, 'occupancy', zone.occupancy);
    }
  }
}

// ---------------------------------------------------------------------------
// WebSocket

function setConnection(status) {
  const indicator = document.getElementById('connection');
  indicator.dataset.state = status;
  indicator.querySelector('.connection-label').textContent = CONNECTION_LABELS[status];
}

function socketURL() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${API_BASE}/live/ws`;
}

function connectSocket() {
  let socket;
  try {
    socket = new WebSocket(socketURL());
  } catch {
    scheduleReconnect();
    return;
  }
  state.socket = socket;

  socket.addEventListener('open', () => {
    state.reconnectDelayMs = RECONNECT_MIN_MS;
    setConnection('live');
    // Messages may have been missed while disconnected, so resync the totals.
    pollLive();
  });
  socket.addEventListener('message', handleSocketMessage);
  socket.addEventListener('close', () => {
    if (state.socket !== socket) return;
    state.socket = null;
    scheduleReconnect();
  });
}

function scheduleReconnect() {
  setConnection('reconnecting');
  const delay = state.reconnectDelayMs;
  state.reconnectDelayMs = Math.min(delay * 2, RECONNECT_MAX_MS);
  setTimeout(connectSocket, delay);
}

function handleSocketMessage(event) {
  let message;
  try {
    message = JSON.parse(event.data);
  } catch {
    return;
  }
  if (!message || typeof message !== 'object' || state.layoutKey === null) return;
  if (!['crossing', 'occupancy', 'status'].includes(message.type)) return;

  const view = state.views.get(String(message.camera));
  if (!view) {
    noteUnknownCamera(message.camera);
    return;
  }
  if (message.type === 'crossing') handleCrossing(view, message);
  else if (message.type === 'occupancy') handleOccupancy(view, message);
  else handleStatus(view, message);
}

function handleCrossing(view, message) {
  const entry = view.lineTiles.get(String(message.line));
  if (entry) {
    if (Number.isFinite(message.in) && Number.isFinite(message.out)) {
      setTileNumber(entry, 'in', message.in);
      setTileNumber(entry, 'out', message.out);
    } else if (message.direction === 'in' || message.direction === 'out') {
      setTileNumber(entry, message.direction, (entry.values[message.direction] || 0) + 1);
    }
  }
  addRecentCrossing(view, message);
  recordCrossingInChart(view, message);
}

function handleOccupancy(view, message) {
  const entry = view.zoneTiles.get(String(message.zone));
  if (entry) setTileNumber(entry, 'occupancy', message.occupancy);
}

function handleStatus(view, message) {
  setStatus(view, message.status);
}

// ---------------------------------------------------------------------------
// Recent crossings

function addRecentCrossing(view, message) {
  view.recent.unshift({
    time: parseTime(message.time) ?? Date.now(),
    line: String(message.line ?? ''),
    direction: String(message.direction ?? ''),
    track: message.track,
  });
  if (view.recent.length > RECENT_LIMIT) view.recent.length = RECENT_LIMIT;
  renderRecent(view);
}

function renderRecent(view) {
  view.recentList.replaceChildren(...view.recent.map(createRecentItem));
  view.recentEmpty.hidden = view.recent.length > 0;
}

function createRecentItem(crossing) {
  const item = createElement('li');
  const time = createElement('time', 'recent-time', formatClock(crossing.time));
  time.dateTime = new Date(crossing.time).toISOString();
  const knownDirection = crossing.direction === 'in' || crossing.direction === 'out';
  const direction = createElement('span', `direction direction-${knownDirection ? crossing.direction : 'other'}`,
    crossing.direction || '?');
  const track = createElement('span', 'recent-track',
    crossing.track === undefined || crossing.track === null ? '' : `#${crossing.track}`);
  item.append(time, createElement('span', 'recent-line', crossing.line), direction, track);
  return item;
}

// ---------------------------------------------------------------------------
// Snapshots

function prepareSnapshotFrame(view, camera) {
  if (camera.width > 0 && camera.height > 0) {
    view.snapshot.frame.style.aspectRatio = `${camera.width} / ${camera.height}`;
  }
}

function refreshAllSnapshots() {
  if (document.hidden) return;
  state.views.forEach(refreshSnapshot);
}

// Fetching (rather than setting img.src directly) lets us tell "no frame yet" from other failures
// and avoids stacking requests when the server is slow.
async function refreshSnapshot(view) {
  const snapshot = view.snapshot;
  if (snapshot.loading || view.disposed) return;
  snapshot.loading = true;
  try {
    const response = await fetchWithTimeout(cameraURL(view.id, `snapshot.jpg?t=${Date.now()}`));
    if (!response.ok) {
      showSnapshotPlaceholder(view, snapshotFailureText(response.status));
      return;
    }
    const blob = await response.blob();
    if (!view.disposed) await showSnapshot(snapshot, blob);
  } catch {
    showSnapshotPlaceholder(view, snapshotFailureText(0));
  } finally {
    snapshot.loading = false;
  }
}

async function showSnapshot(snapshot, blob) {
  const previousURL = snapshot.objectURL;
  snapshot.objectURL = URL.createObjectURL(blob);
  snapshot.img.src = snapshot.objectURL;
  try {
    await snapshot.img.decode();
  } finally {
    if (previousURL) URL.revokeObjectURL(previousURL);
  }
  snapshot.img.hidden = false;
  snapshot.placeholder.hidden = true;
}

function showSnapshotPlaceholder(view, text) {
  if (view.disposed) return;
  view.snapshot.img.hidden = true;
  view.snapshot.placeholder.textContent = text;
  view.snapshot.placeholder.hidden = false;
}

function snapshotFailureText(status) {
  if (status === 503) return 'Waiting for the first frame…';
  if (status === 404) return 'Camera not found';
  return 'Snapshot unavailable';
}

// ---------------------------------------------------------------------------
// Chart data

function emptyChartData(start, lineNames, zoneNames) {
  return {
    start,
    lines: lineNames.map((name) => ({
      name,
      in: new Array(CHART_MINUTES).fill(0),
      out: new Array(CHART_MINUTES).fill(0),
    })),
    zones: zoneNames.map((name) => ({ name, mean: new Array(CHART_MINUTES).fill(null) })),
  };
}

function unionNames(known, items) {
  const names = [...known];
  for (const name of namesOf(items)) {
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

function minuteIndex(data, ms) {
  if (ms === null) return null;
  const index = Math.floor((ms - data.start) / MINUTE_MS);
  return index >= 0 && index < CHART_MINUTES ? index : null;
}

function chartDataFromCounts(start, view, counts) {
  const lines = Array.isArray(counts.lines) ? counts.lines : [];
  const zones = Array.isArray(counts.zones) ? counts.zones : [];
  const data = emptyChartData(start, unionNames(view.lineNames, lines), unionNames(view.zoneNames, zones));

  for (const line of lines) {
    const series = data.lines.find((candidate) => candidate.name === String(line.name));
    for (const bucket of line.buckets || []) {
      const index = minuteIndex(data, parseTime(bucket.start));
      if (index === null) continue;
      series.in[index] += Number(bucket.in) || 0;
      series.out[index] += Number(bucket.out) || 0;
    }
  }
  for (const zone of zones) {
    const series = data.zones.find((candidate) => candidate.name === String(zone.name));
    for (const bucket of zone.buckets || []) {
      const index = minuteIndex(data, parseTime(bucket.start));
      if (index !== null && Number.isFinite(bucket.mean)) series.mean[index] = bucket.mean;
    }
  }
  return data;
}

function shiftSeries(values, count, fill) {
  values.splice(0, count);
  while (values.length < CHART_MINUTES) values.push(fill);
}

// Slide the window so the minute containing `ms` is the last slot.
function advanceChart(data, ms) {
  const start = chartStartFor(ms);
  if (start <= data.start) return;
  const shift = Math.round((start - data.start) / MINUTE_MS);
  for (const line of data.lines) {
    shiftSeries(line.in, shift, 0);
    shiftSeries(line.out, shift, 0);
  }
  for (const zone of data.zones) shiftSeries(zone.mean, shift, null);
  data.start = start;
}

function recordCrossingInChart(view, message) {
  const data = view.chart.data;
  if (!data || (message.direction !== 'in' && message.direction !== 'out')) return;
  const ms = parseTime(message.time) ?? Date.now();
  advanceChart(data, ms);
  const series = data.lines.find((line) => line.name === String(message.line));
  const index = minuteIndex(data, ms);
  if (!series || index === null) return;
  series[message.direction][index] += 1;
  scheduleDraw(view);
}

async function loadChart(view) {
  const chart = view.chart;
  const request = ++chart.request;
  const now = Date.now();
  const start = chartStartFor(now);
  // Built by hand: ISO timestamps only contain query-safe characters and stay readable in logs.
  const query = `from=${toISOSeconds(start)}&to=${toISOSeconds(now)}&bucket=minute`;

  let counts;
  try {
    counts = await fetchJSON(cameraURL(view.id, `counts?${query}`));
  } catch (error) {
    if (request === chart.request && !view.disposed) setChartNote(view, `Couldn't load counts: ${error.message}`);
    return;
  }
  if (request !== chart.request || view.disposed) return;

  chart.data = chartDataFromCounts(start, view, counts || {});
  setChartNote(view, '');
  renderLegend(view);
  scheduleDraw(view);
}

function refreshAllCharts() {
  state.views.forEach(loadChart);
}

function setChartNote(view, text) {
  view.chart.note.textContent = text;
  view.chart.note.hidden = text === '';
}

function renderLegend(view) {
  const data = view.chart.data;
  const items = [];
  data.lines.forEach((line, index) => {
    const colors = LINE_PALETTE[index % LINE_PALETTE.length];
    items.push(createLegendItem(`${line.name} in`, colors.in, 'bar'));
    items.push(createLegendItem(`${line.name} out`, colors.out, 'bar'));
  });
  data.zones.forEach((zone, index) => {
    items.push(createLegendItem(`${zone.name} occupancy (mean)`, ZONE_PALETTE[index % ZONE_PALETTE.length], 'line'));
  });
  view.chart.legend.replaceChildren(...items);
}

function createLegendItem(label, color, shape) {
  const item = createElement('li');
  const swatch = createElement('span', `legend-swatch legend-swatch-${shape}`);
  swatch.style.background = color;
  item.append(swatch, createElement('span', null, label));
  return item;
}

// ---------------------------------------------------------------------------
// Chart drawing

function observeChart(view) {
  viewsByChartWrap.set(view.chart.wrap, view);
  if (resizeObserver) resizeObserver.observe(view.chart.wrap);
  scheduleDraw(view);
}

function setupResizeHandling() {
  if ('ResizeObserver' in window) {
    resizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const view = viewsByChartWrap.get(entry.target);
        if (view) scheduleDraw(view);
      }
    });
  }
  // Also covers devicePixelRatio changes (zoom, moving between screens), which don't resize elements.
  window.addEventListener('resize', () => state.views.forEach(scheduleDraw));
}

function scheduleDraw(view) {
  if (view.chart.drawPending || view.disposed) return;
  view.chart.drawPending = true;
  requestAnimationFrame(() => {
    view.chart.drawPending = false;
    if (!view.disposed) drawChart(view);
  });
}

function prepareCanvas(canvas, wrap) {
  const width = wrap.clientWidth;
  const height = wrap.clientHeight;
  if (width === 0 || height === 0) return null;
  const ratio = window.devicePixelRatio || 1;
  const pixelWidth = Math.round(width * ratio);
  const pixelHeight = Math.round(height * ratio);
  if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
    canvas.width = pixelWidth;
    canvas.height = pixelHeight;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

// Integer ticks (counts and people); the axis always reaches at least `tickCount`.
function niceScale(maxValue, tickCount) {
  const target = Math.max(maxValue, tickCount);
  const raw = target / tickCount;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  let factor = 10;
  if (residual <= 1) factor = 1;
  else if (residual <= 2) factor = 2;
  else if (residual <= 2.5 && magnitude >= 10) factor = 2.5; // keeps steps whole numbers
  else if (residual <= 5) factor = 5;
  const step = factor * magnitude;
  return { step, max: Math.ceil(target / step) * step };
}

function maxCount(data) {
  let max = 0;
  for (const line of data.lines) max = Math.max(max, ...line.in, ...line.out);
  return max;
}

function maxOccupancy(data) {
  let max = 0;
  for (const zone of data.zones) {
    for (const value of zone.mean) if (value !== null) max = Math.max(max, value);
  }
  return max;
}

function crisp(value) {
  return Math.round(value) + 0.5;
}

function valueToY(plot, scale, value) {
  return plot.bottom - (value / scale.max) * plot.height;
}

function slotWidth(plot) {
  return plot.width / CHART_MINUTES;
}

function slotCenter(plot, index) {
  return plot.left + (index + 0.5) * slotWidth(plot);
}

function drawChart(view) {
  const chart = view.chart;
  const data = chart.data;
  const surface = prepareCanvas(chart.canvas, chart.wrap);
  if (!surface || !data) return;
  const { ctx, width, height } = surface;

  advanceChart(data, Date.now());
  const hasZones = data.zones.length > 0;
  const plot = { left: 40, right: width - (hasZones ? 36 : 12), top: 22, bottom: height - 24 };
  plot.width = plot.right - plot.left;
  plot.height = plot.bottom - plot.top;
  if (plot.width < 60 || plot.height < 40) return;

  ctx.font = CHART_STYLE.font;
  const countScale = niceScale(maxCount(data), 4);
  drawCurrentMinuteShade(ctx, plot);
  drawCountAxis(ctx, plot, countScale);
  drawBars(ctx, plot, data, countScale);
  if (hasZones) {
    const zoneScale = niceScale(maxOccupancy(data), 4);
    drawOccupancyAxis(ctx, plot, zoneScale);
    drawZoneLines(ctx, plot, data, zoneScale);
  }
  drawTimeAxis(ctx, plot, data, width);
  drawAxisTitles(ctx, width, hasZones);
}

function drawCurrentMinuteShade(ctx, plot) {
  const slot = slotWidth(plot);
  ctx.fillStyle = CHART_STYLE.nowShade;
  ctx.fillRect(plot.right - slot, plot.top, slot, plot.height);
}

function drawCountAxis(ctx, plot, scale) {
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 1;
  for (let value = 0; value <= scale.max; value += scale.step) {
    const y = crisp(valueToY(plot, scale, value));
    ctx.strokeStyle = value === 0 ? CHART_STYLE.axis : CHART_STYLE.grid;
    ctx.beginPath();
    ctx.moveTo(plot.left, y);
    ctx.lineTo(plot.right, y);
    ctx.stroke();
    ctx.fillStyle = CHART_STYLE.text;
    ctx.fillText(String(value), plot.left - 6, y);
  }
}

function drawOccupancyAxis(ctx, plot, scale) {
  const x = crisp(plot.right);
  ctx.strokeStyle = CHART_STYLE.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, plot.top);
  ctx.lineTo(x, plot.bottom);
  ctx.stroke();

  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = CHART_STYLE.text;
  for (let value = 0; value <= scale.max; value += scale.step) {
    const y = crisp(valueToY(plot, scale, value));
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 4, y);
    ctx.stroke();
    ctx.fillText(String(value), x + 7, y);
  }
}

function drawBars(ctx, plot, data, scale) {
  if (data.lines.length === 0) return;
  const slot = slotWidth(plot);
  const groupWidth = slot * 0.8;
  const barWidth = groupWidth / (data.lines.length * 2);

  data.lines.forEach((line, lineIndex) => {
    const colors = LINE_PALETTE[lineIndex % LINE_PALETTE.length];
    for (let index = 0; index < CHART_MINUTES; index += 1) {
      const groupLeft = plot.left + index * slot + (slot - groupWidth) / 2;
      const inLeft = groupLeft + lineIndex * 2 * barWidth;
      drawBar(ctx, plot, scale, inLeft, barWidth, line.in[index], colors.in);
      drawBar(ctx, plot, scale, inLeft + barWidth, barWidth, line.out[index], colors.out);
    }
  });
}

function drawBar(ctx, plot, scale, left, width, value, color) {
  if (!(value > 0)) return;
  // Keep tiny non-zero values visible.
  const height = Math.max(1, plot.bottom - valueToY(plot, scale, value));
  ctx.fillStyle = color;
  ctx.fillRect(left, plot.bottom - height, Math.max(width, 0.5), height);
}

function drawZoneLines(ctx, plot, data, scale) {
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  data.zones.forEach((zone, zoneIndex) => {
    const color = ZONE_PALETTE[zoneIndex % ZONE_PALETTE.length];
    const isolated = [];
    let drawing = false;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.beginPath();
    zone.mean.forEach((value, index) => {
      if (value === null) {
        drawing = false;
        return;
      }
      const x = slotCenter(plot, index);
      const y = valueToY(plot, scale, value);
      if (drawing) {
        ctx.lineTo(x, y);
      } else {
        ctx.moveTo(x, y);
        drawing = true;
      }
      const next = zone.mean[index + 1];
      const previous = zone.mean[index - 1];
      if ((previous === null || previous === undefined) && (next === null || next === undefined)) {
        isolated.push([x, y]);
      }
    });
    ctx.stroke();
    // A single sample between gaps has no segment to stroke, so mark it with a dot.
    for (const [x, y] of isolated) {
      ctx.beginPath();
      ctx.arc(x, y, 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
  });
}

function drawTimeAxis(ctx, plot, data, width) {
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  ctx.lineWidth = 1;
  for (let index = 0; index < CHART_MINUTES; index += 1) {
    const time = data.start + index * MINUTE_MS;
    if (new Date(time).getMinutes() % 10 !== 0) continue;
    const x = crisp(slotCenter(plot, index));
    ctx.strokeStyle = CHART_STYLE.axis;
    ctx.beginPath();
    ctx.moveTo(x, plot.bottom);
    ctx.lineTo(x, plot.bottom + 4);
    ctx.stroke();

    const label = formatClock(time, false);
    const half = ctx.measureText(label).width / 2;
    const labelX = Math.min(Math.max(x, half + 1), width - half - 1);
    ctx.fillStyle = CHART_STYLE.text;
    ctx.fillText(label, labelX, plot.bottom + 6);
  }
}

function drawAxisTitles(ctx, width, hasZones) {
  ctx.fillStyle = CHART_STYLE.text;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText('crossings / min', 2, 2);
  if (hasZones) {
    ctx.textAlign = 'right';
    ctx.fillText('occupancy', width - 2, 2);
  }
}

// ---------------------------------------------------------------------------
// Startup

function handleVisibilityChange() {
  if (document.hidden) return;
  refreshAllSnapshots();
  refreshAllCharts();
}

function init() {
  setupResizeHandling();
  setConnection('connecting');
  loadCameras();
  connectSocket();
  setInterval(loadCameras, LIVE_POLL_INTERVAL_MS);
  setInterval(refreshAllSnapshots, SNAPSHOT_INTERVAL_MS);
  setInterval(refreshAllCharts, CHART_REFRESH_INTERVAL_MS);
  document.addEventListener('visibilitychange', handleVisibilityChange);
}

init();
