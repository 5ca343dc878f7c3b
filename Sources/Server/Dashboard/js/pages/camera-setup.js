// Add or edit a camera, and draw its lines and zones on its current picture.

import { errorNotice, h, notice, replace, timeElement } from '../dom.js';
import { drawEditor, viewTransform } from '../draw.js';
import {
  addLine, addZone, cancel, createEditor, finishZone, flipLine, nudgeSelected, pointerDown, pointerMove, pointerUp, remove, rename,
  setTool, toGeometry, validate,
} from '../geometry-editor.js';
import { hashFor } from '../router.js';

const DETECTORS = [
  ['motion', 'Motion (no model; fast, merges groups)'],
  ['motion-fast', 'Motion, cheaper background model (more cameras per core)'],
  ['ssd', 'Trained person detector (SSDLite)'],
  ['hog', 'HOG (OpenCV, slow)'],
];
const PICTURE_RETRY_MS = 3000;
const DEFAULT_SIZE = { width: 1280, height: 720 };

export async function render(app, route) {
  const id = route.params.id;
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  let camera = null;
  let sites = [];
  try {
    [camera, sites] = await Promise.all([
      id ? app.api.camera(id) : Promise.resolve(null),
      app.api.sites().then((answer) => answer.sites).catch(() => []),
    ]);
  } catch (error) {
    replace(root, h('h2', {}, 'Camera'), notice('error', error.status === 404 ? `There is no camera “${id}”.` : error.message));
    return null;
  }
  const editable = app.can('cameras.edit');
  const disposers = [];
  replace(root,
    h('div', { class: 'page-header' },
      h('h2', {}, camera ? camera.name : 'Add a camera'),
      camera ? h('nav', { class: 'card-links' },
        h('a', { href: hashFor('history', {}, { camera: camera.id }) }, 'History'),
        h('a', { href: hashFor('events', { id: camera.id }) }, 'Events')) : null),
    editable ? cameraForm(app, camera, sites) : cameraFacts(camera),
    camera ? geometrySection(app, camera, editable, disposers) : null);
  return { dispose: () => disposers.forEach((f) => f()) };
}

function cameraFacts(camera) {
  if (!camera) return notice('error', 'Only operators and administrators can add cameras.');
  return h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', {}, 'Id'), h('dd', {}, h('code', {}, camera.id)),
    h('dt', {}, 'Source'), h('dd', {}, `${camera.source.kind}${camera.source.host ? ` (${camera.source.host})` : ''}`),
    h('dt', {}, 'Detector'), h('dd', {}, camera.detector),
    h('dt', {}, 'Site'), h('dd', {}, camera.siteID ?? '—'),
    h('dt', {}, 'Enabled'), h('dd', {}, camera.enabled ? 'yes' : 'no')));
}

function field(label, input, hint = null) {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null);
}

function cameraForm(app, camera, sites) {
  const creating = camera === null;
  const idInput = h('input', { id: 'camera-id', name: 'id', required: true, pattern: '[A-Za-z0-9_\\-]{1,64}', autocomplete: 'off', value: camera?.id, disabled: !creating });
  const name = h('input', { id: 'camera-name', name: 'name', required: true, maxlength: 200, value: camera?.name });
  const source = h('input', {
    id: 'camera-source', name: 'source', required: creating, autocomplete: 'off',
    placeholder: creating ? 'rtsp://user:password@10.0.0.5:554/stream1' : `unchanged (${camera.source.kind}${camera.source.host ? `, ${camera.source.host}` : ''})`,
  });
  const detector = h('select', { id: 'camera-detector', name: 'detector' },
    DETECTORS.map(([value, text]) => h('option', { value, selected: (camera?.detector ?? 'motion') === value }, text)),
    camera && !DETECTORS.some(([value]) => value === camera.detector) ? h('option', { value: camera.detector, selected: true }, camera.detector) : null);
  const rate = h('input', { id: 'camera-rate', name: 'analysisRate', type: 'number', min: '0.1', max: '100', step: '0.1', value: camera?.analysisRate ?? '', placeholder: 'every frame' });
  const site = h('select', { id: 'camera-site', name: 'siteID' },
    h('option', { value: '' }, 'No site'),
    sites.map((s) => h('option', { value: s.id, selected: camera?.siteID === s.id }, s.name)));
  const enabled = h('input', { id: 'camera-enabled', name: 'enabled', type: 'checkbox', checked: camera ? camera.enabled : true });
  const message = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-camera' }, creating ? 'Add camera' : 'Save camera');
  const inputs = { id: idInput, name, source, detector, analysisRate: rate, siteID: site, enabled };

  async function submit(event) {
    event.preventDefault();
    for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
    const body = {
      name: name.value.trim(),
      detector: detector.value,
      analysisRate: rate.value === '' ? null : Number(rate.value),
      siteID: site.value === '' ? null : site.value,
      enabled: enabled.checked,
    };
    if (source.value.trim() !== '') body.source = source.value.trim();
    save.disabled = true;
    try {
      if (creating) {
        body.id = idInput.value.trim();
        if (body.analysisRate === null) delete body.analysisRate;
        if (body.siteID === null) delete body.siteID;
        const created = await app.api.createCamera(body);
        app.hub?.reload().catch(() => {});
        app.navigate('camera-setup', { id: created.id });
      } else {
        await app.api.updateCamera(camera.id, body);
        replace(message, notice('ok', 'Saved. The camera restarts with its new settings.'));
        source.value = '';
        app.hub?.reload().catch(() => {});
      }
    } catch (error) {
      const input = inputs[error.field];
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
      replace(message, errorNotice(error));
    } finally {
      save.disabled = false;
    }
  }

  async function removeCamera() {
    if (!window.confirm(`Remove camera “${camera.name}”? Its counts are kept.`)) return;
    try {
      await app.api.deleteCamera(camera.id);
      app.hub?.reload().catch(() => {});
      app.navigate('overview');
    } catch (error) {
      replace(message, notice('error', error.message));
    }
  }

  return h('form', { class: 'card form-grid', onsubmit: submit, 'data-testid': 'camera-form' },
    field('Id', idInput, creating ? 'Letters, digits, - and _; cannot be changed later.' : null),
    field('Name', name),
    field('Stream', source, 'An rtsp, http(s), rtmp or srt URL; a file name in the media folder; or external for a camera that pushes its detections.'),
    field('Detector', detector),
    field('Frames analysed per second', rate, 'Empty: every frame.'),
    field('Site', site),
    h('div', { class: 'field field-inline' }, enabled, h('label', { for: 'camera-enabled' }, 'Counting (enabled)')),
    message,
    h('div', { class: 'actions' }, save,
      creating ? h('a', { class: 'button', href: hashFor('overview') }, 'Cancel')
        : h('button', { type: 'button', class: 'danger', onclick: removeCamera }, 'Remove camera')));
}

function geometrySection(app, camera, editable, disposers) {
  // Until a picture says how big the camera's frames are, the editor covers at least what is drawn
  // already and keeps nothing inside a guessed size (the API checks only once it knows).
  const extent = (axis) => Math.max(0, ...camera.lines.flatMap((l) => [l.a[axis], l.b[axis]]), ...camera.zones.flatMap((z) => z.polygon.map((p) => p[axis])));
  let state = createEditor(camera, Math.max(DEFAULT_SIZE.width, extent(0) + 40), Math.max(DEFAULT_SIZE.height, extent(1) + 40), { bounded: false });
  let version = camera.geometryVersion;
  const image = new Image();
  const canvas = h('canvas', {
    class: 'editor-canvas', tabindex: '0', 'data-testid': 'editor-canvas',
    'aria-label': editable ? 'Picture with lines and zones. Draw with the pointer; arrow keys move the selection, Delete removes it, F flips a line, Escape cancels, Enter finishes a zone.' : 'Picture with lines and zones',
    role: 'img',
  });
  const pictureNote = h('p', { class: 'muted small', 'data-testid': 'picture-note' }, 'Waiting for a picture from the camera…');
  const list = h('div', { class: 'geometry-list' });
  const message = h('div', { 'aria-live': 'polite' });
  const versions = h('ol', { class: 'versions', 'data-testid': 'versions' });
  const toolButtons = {};
  let pictureTimer = null;
  let sized = false;
  let disposed = false;

  function redraw() {
    drawEditor(canvas, state, image.complete && image.naturalWidth > 0 ? image : null);
    for (const [tool, button] of Object.entries(toolButtons)) button.setAttribute('aria-pressed', String(state.tool === tool));
    canvas.dataset.tool = state.tool;
    canvas.dataset.lines = String(state.lines.length);
    canvas.dataset.zones = String(state.zones.length);
  }

  function update(next, { relist = false } = {}) {
    const changed = next.lines.length !== state.lines.length || next.zones.length !== state.zones.length
      || next.selected?.kind !== state.selected?.kind || next.selected?.index !== state.selected?.index;
    state = next;
    redraw();
    if (relist || changed) renderList();
  }

  async function loadPicture() {
    // Ask for the picture only once the camera has sent one (the live totals say its size), so
    // the page never asks for what is not there.
    let frame = null;
    try {
      const live = await app.api.live();
      frame = live.cameras.find((c) => c.id === camera.id)?.frame ?? null;
    } catch {
      frame = null;
    }
    if (disposed) return;
    if (!frame) {
      pictureNote.textContent = camera.source.kind === 'external'
        ? 'This camera pushes detections and sends no picture: draw on the grid, in the camera’s pixels.'
        : 'Waiting for a picture from the camera…';
      pictureTimer = setTimeout(loadPicture, PICTURE_RETRY_MS);
      return;
    }
    image.onload = () => {
      if (!sized) {
        sized = true;
        state = { ...createEditor(toGeometry(state), image.naturalWidth, image.naturalHeight), tool: state.tool };
        // A picture now says how big the frames are.
        renderList();
      }
      pictureNote.textContent = `Picture ${image.naturalWidth}×${image.naturalHeight}, taken about `;
      pictureNote.append(timeElement(Date.now()));
      canvas.dataset.picture = 'ready';
      redraw();
    };
    image.onerror = () => {
      if (!disposed) pictureTimer = setTimeout(loadPicture, PICTURE_RETRY_MS);
    };
    image.src = app.api.snapshotURL(camera.id, { overlay: false });
  }

  function select(kind, index) {
    state = { ...state, selected: { kind, index } };
    redraw();
    for (const item of list.querySelectorAll('li[data-kind]')) {
      item.classList.toggle('selected', item.dataset.kind === kind && Number(item.dataset.index) === index);
    }
  }

  function renderList() {
    const items = [];
    state.lines.forEach((line, index) => items.push(itemRow('line', index, line.name)));
    state.zones.forEach((zone, index) => items.push(itemRow('zone', index, zone.name)));
    replace(list, items.length ? h('ul', {}, items) : h('p', { class: 'muted' },
      editable ? 'No lines or zones yet. Choose “Draw line” and drag across the path people take.' : 'No lines or zones.'));
  }

  function itemRow(kind, index, name) {
    const selected = state.selected?.kind === kind && state.selected.index === index;
    const input = h('input', {
      value: name, 'aria-label': `${kind} name`, maxlength: 100, disabled: !editable, 'data-testid': `${kind}-name-${index}`,
      oninput: (event) => update(rename(state, kind, index, event.target.value)),
      // Selecting from the list must not rebuild it: that would take the focus from this box.
      onfocus: () => select(kind, index),
    });
    return h('li', { class: selected ? 'selected' : null, dataset: { kind, index: String(index) } },
      h('span', { class: `kind kind-${kind}` }, kind === 'line' ? 'Line' : 'Zone'), input,
      editable && kind === 'line' ? h('button', { type: 'button', 'data-testid': `flip-${index}`, title: 'Swap its ends: “in” points the other way', onclick: () => update(flipLine(state, index)) }, 'Flip direction') : null,
      editable ? h('button', { type: 'button', class: 'danger', onclick: () => update(remove(state, kind, index), { relist: true }) }, 'Delete') : null);
  }

  async function saveGeometry(geometry = toGeometry(state)) {
    const problems = validate({ ...state, ...geometry });
    if (problems.length) {
      replace(message, notice('error', problems.map((p) => `${p.field}: ${p.message}`).join('; ')));
      return;
    }
    try {
      const saved = await app.api.saveGeometry(camera.id, geometry);
      version = saved.version;
      state = { ...createEditor(saved, state.width, state.height, { bounded: state.bounded }), tool: 'select' };
      renderList();
      redraw();
      replace(message, notice('ok', `Saved as version ${saved.version}. Counting uses it from the next frame.`));
      loadVersions();
    } catch (error) {
      replace(message, errorNotice(error));
    }
  }

  async function loadVersions() {
    try {
      const answer = await app.api.geometryVersions(camera.id);
      replace(versions, answer.versions.map((v) => h('li', { dataset: { version: v.version } },
        h('strong', {}, `Version ${v.version}`), ' ', v.created ? timeElement(v.created, { withDate: true }) : null,
        ` — ${v.lines.length} line${v.lines.length === 1 ? '' : 's'}, ${v.zones.length} zone${v.zones.length === 1 ? '' : 's'}`,
        v.version === version ? h('span', { class: 'badge' }, 'current') : null,
        editable && v.version !== version
          ? h('button', { type: 'button', class: 'link-button', onclick: () => saveGeometry({ lines: v.lines, zones: v.zones }) }, 'Restore')
          : null)));
    } catch (error) {
      replace(versions, h('li', {}, notice('error', error.message)));
    }
  }

  if (editable) {
    canvas.addEventListener('pointerdown', (event) => {
      canvas.focus();
      canvas.setPointerCapture(event.pointerId);
      const view = viewTransform(canvas, state);
      update(pointerDown(state, view.toPicture(event.clientX, event.clientY), 10 / view.scale));
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!state.drag && !state.draft) return;
      const view = viewTransform(canvas, state);
      update(pointerMove(state, view.toPicture(event.clientX, event.clientY)));
    });
    canvas.addEventListener('pointerup', (event) => {
      const view = viewTransform(canvas, state);
      update(pointerUp(state, view.toPicture(event.clientX, event.clientY), 5 / view.scale));
    });
    canvas.addEventListener('keydown', (event) => {
      const step = event.shiftKey ? 10 : 1;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (moves[event.key]) update(nudgeSelected(state, ...moves[event.key]));
      else if (event.key === 'Escape') update(cancel(state));
      else if (event.key === 'Enter') update(finishZone(state));
      else if ((event.key === 'Delete' || event.key === 'Backspace') && state.selected) update(remove(state, state.selected.kind, state.selected.index), { relist: true });
      else if (event.key.toLowerCase() === 'f' && state.selected?.kind === 'line') update(flipLine(state, state.selected.index));
      else return;
      event.preventDefault();
    });
    for (const [tool, text] of [['select', 'Select and move'], ['line', 'Draw line'], ['zone', 'Draw zone']]) {
      toolButtons[tool] = h('button', { type: 'button', 'data-testid': `tool-${tool}`, onclick: () => update(setTool(state, tool)) }, text);
    }
  }
  const onResize = () => redraw();
  window.addEventListener('resize', onResize);
  disposers.push(() => {
    window.removeEventListener('resize', onResize);
    disposed = true;
    clearTimeout(pictureTimer);
    image.onload = null;
    image.onerror = null;
    // Leaving the page stops a picture still on its way, so no request outlives the page.
    image.removeAttribute('src');
  });

  const section = h('section', { class: 'card' },
    h('h3', {}, 'Lines and zones'),
    editable ? h('p', { class: 'muted small' }, 'Drag across the path to draw a line (or click its two ends); the arrow shows the “in” direction. Click corner by corner to draw a zone; click the first corner or press Enter to close it. Drag ends, corners or whole shapes to move them.') : null,
    editable ? h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Drawing tools' },
      Object.values(toolButtons),
      h('button', { type: 'button', onclick: () => update(finishZone(state)) }, 'Finish zone'),
      h('button', { type: 'button', 'data-testid': 'add-line', title: 'A line across the middle, to move with the arrow keys', onclick: () => { update(addLine(state)); canvas.focus(); } }, 'Add line'),
      h('button', { type: 'button', 'data-testid': 'add-zone', title: 'A zone in the middle, to move with the arrow keys', onclick: () => { update(addZone(state)); canvas.focus(); } }, 'Add zone'),
      h('button', { type: 'button', class: 'primary', 'data-testid': 'save-geometry', onclick: () => saveGeometry() }, 'Save lines and zones')) : null,
    h('div', { class: 'editor' }, canvas, pictureNote),
    message,
    list,
    h('h3', {}, 'Versions'),
    h('p', { class: 'muted small' }, 'Every save is kept. Crossings remember the version they were counted with.'),
    versions);
  renderList();
  requestAnimationFrame(redraw);
  loadPicture();
  loadVersions();
  return section;
}
