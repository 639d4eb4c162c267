// The tileinfer web page: runs, a scene's tiles on a map, models. Read-only: it only sends GET requests.
// The map is in the scene's own CRS (an OpenLayers Projection with the raster's extent, no reprojection), so the
// tiles' bounds from the result store and the server's pictures of the raster line up pixel for pixel. There is no
// basemap (no internet): the scene's imagery is the background.
'use strict';

const KEY = 'tileinfer.apiKey';
const STATUS_COLOURS = {DONE: '#43a047', SKIPPED: '#9e9e9e', FAILED: '#e53935'};
const $ = (id) => document.getElementById(id);

const pendingRetries = [];
const state = {map: null, tiles: null, tileLayer: null, prediction: null, imagery: null, selected: null,
  scene: null, objectUrls: []};

/** GET with the API key when the user gave one; a 401 asks for the key and retries. */
async function api(path, as = 'json') {
  const headers = {};
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = 'Bearer ' + key;
  const response = await fetch(path, {headers});
  if (response.status === 401) {
    $('key-form').hidden = false;
    $('key-input').focus();
    return new Promise((resolve, reject) => {
      pendingRetries.push(() => api(path, as).then(resolve, reject));
    });
  }
  if (!response.ok) {
    let message = response.status + ' ' + response.statusText;
    try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return as === 'blob' ? response.blob() : response.json();
}

function say(text) { $('status').textContent = text || ''; }

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

/** A run's duration; none yet when it is running or its process stopped without saying so. */
function duration(run) {
  const seconds = run.duration_seconds;
  if (seconds === null || seconds === undefined) return run.status === 'running' ? 'running' : '\u2014';
  if (seconds < 60) return seconds.toFixed(1) + ' s';
  return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
}

/**
 * The runs list, a page at a time (newest first): the first page, or with `before` (the server's `next` cursor) the
 * page of older runs, appended. The cursor keeps the pages in place while new runs start.
 */
async function showRuns(before) {
  const data = await api('/ui/api/runs' + (before ? '?before=' + encodeURIComponent(before) : ''));
  const body = $('runs-table').querySelector('tbody');
  if (!before) {
    body.replaceChildren();
    $('runs-empty').hidden = data.runs.length > 0;
    if (!data.store) $('runs-empty').textContent = 'No result store: start the server with --store.';
  }
  for (const run of data.runs) {
    const row = document.createElement('tr');
    row.dataset.runId = run.run_id;
    row.classList.toggle('selected', run.run_id === $('run').dataset.runId);
    cell(row, run.run_id);
    cell(row, run.status, 's-' + run.status);
    cell(row, run.done, 'num');
    cell(row, run.skipped, 'num');
    cell(row, run.failed, 'num');
    cell(row, duration(run), 'num');
    cell(row, run.model_version);
    cell(row, run.started_at);
    row.addEventListener('click', () => showRun(run.run_id).catch(fail));
    body.appendChild(row);
  }
  const older = $('runs-older');
  older.hidden = !data.next;
  older.dataset.before = data.next || '';
  if (data.runs.length > 0 && !$('run').dataset.runId) await showRun(data.runs[0].run_id);
}

async function showOlderRuns() {
  const older = $('runs-older');
  older.disabled = true; // a second click would append the same page again
  try {
    await showRuns(older.dataset.before);
  } finally {
    older.disabled = false;
  }
}

async function showRun(runId) {
  const data = await api('/ui/api/runs/' + encodeURIComponent(runId));
  for (const row of $('runs-table').querySelectorAll('tbody tr')) {
    row.classList.toggle('selected', row.dataset.runId === runId);
  }
  const section = $('run');
  section.hidden = false;
  section.dataset.runId = runId;
  $('run-id').textContent = runId;
  const run = data.run;
  const summary = $('run-summary');
  summary.replaceChildren();
  const status = run.status === 'interrupted'
    ? 'interrupted: its process stopped without saying so; run the same configuration again to resume'
    : run.status;
  const facts = [['status', status], ['tiles done / skipped / failed', run.done + ' / ' + run.skipped + ' / ' + run.failed],
    ['duration', duration(run)], ['model version', run.model_version],
    ['started', run.started_at], ['finished', run.finished_at], ['last heartbeat', run.heartbeat_at],
    ['configuration', run.config_path]];
  const table = document.createElement('table');
  for (const [name, value] of facts) {
    const row = document.createElement('tr');
    cell(row, name);
    cell(row, value);
    table.appendChild(row);
  }
  summary.appendChild(table);

  const scenes = $('scenes-table').querySelector('tbody');
  scenes.replaceChildren();
  for (const scene of data.scenes) {
    const row = document.createElement('tr');
    cell(row, scene.scene_id);
    cell(row, scene.status, 's-' + scene.status);
    cell(row, scene.tiles, 'num');
    cell(row, scene.output || scene.error);
    const action = cell(row, '');
    if (scene.map) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'map';
      button.className = 'show-map';
      button.addEventListener('click', () => showScene(runId, scene.scene_id).catch(fail));
      action.appendChild(button);
    }
    scenes.appendChild(row);
  }

  const failures = $('failures-table').querySelector('tbody');
  failures.replaceChildren();
  $('failure-count').textContent = '(' + data.failures_total +
    (data.failures_total > data.failures.length ? ', the first ' + data.failures.length + ' below' : '') + ')';
  for (const tile of data.failures) {
    const row = document.createElement('tr');
    cell(row, tile.tile_id);
    cell(row, tile.cause);
    cell(row, tile.attempts, 'num');
    cell(row, tile.error);
    failures.appendChild(row);
  }
  $('manifest-text').textContent = data.manifest ? JSON.stringify(data.manifest, null, 2)
    : 'No manifest yet (the run has not finished, or it is not on this machine).';
  const first = data.scenes.find((s) => s.map);
  if (first) await showScene(runId, first.scene_id);
  else $('scene').hidden = true;
}

function tileStyle(feature) {
  const props = feature.getProperties();
  const by = $('colour-by').value;
  const selected = feature === state.selected;
  let fill;
  let stroke;
  if (by === 'status') {
    const colour = ol.color.asArray(STATUS_COLOURS[props.status] || '#ffffff');
    fill = [colour[0], colour[1], colour[2], props.status === 'DONE' ? 0.06 : 0.35];
    stroke = STATUS_COLOURS[props.status] || '#ffffff';
  } else {
    const spec = state.scene.classes.find((c) => c.name === by);
    const colour = ol.color.asArray(spec ? spec.color : '#ffffff');
    const fraction = (props.class_fractions || {})[by] || 0;
    fill = [colour[0], colour[1], colour[2], 0.05 + 0.8 * fraction];
    // a failed tile has no fractions: its outline says why it is empty
    stroke = props.status === 'FAILED' ? STATUS_COLOURS.FAILED : 'rgba(255,255,255,0.5)';
  }
  return new ol.style.Style({
    fill: new ol.style.Fill({color: fill}),
    stroke: new ol.style.Stroke({color: selected ? '#ffeb3b' : stroke, width: selected ? 3 : 1}),
    zIndex: selected ? 1 : 0,
  });
}

async function picture(path) {
  const url = URL.createObjectURL(await api(path, 'blob'));
  state.objectUrls.push(url);
  return url;
}

async function showScene(runId, sceneId) {
  say('loading ' + sceneId + '…');
  const previousUrls = state.objectUrls.splice(0);
  const base = '/ui/api/runs/' + encodeURIComponent(runId) + '/scenes/' + encodeURIComponent(sceneId);
  const [tiles, imageryUrl, predictionUrl] = await Promise.all([
    api(base + '/tiles'), picture(base + '/imagery.png?size=1024').catch(() => null),
    picture(base + '/prediction.png?size=1024')]);
  const scene = tiles.scene;
  state.scene = scene;
  $('scene').hidden = false;
  $('scene-id').textContent = sceneId;
  const centre = scene.centre_lon_lat ? lonLat(scene.centre_lon_lat) : '';
  $('scene-crs').textContent = scene.crs + ', ' + scene.width + ' × ' + scene.height + ' pixels, ' +
    tiles.features.length + ' tiles' + (centre ? ', centre ' + centre : '');

  const colourBy = $('colour-by');
  colourBy.replaceChildren(new Option('status', 'status'));
  for (const spec of scene.classes) colourBy.appendChild(new Option(spec.name + ' fraction', spec.name));
  legend();

  const projection = new ol.proj.Projection({code: scene.crs || 'scene', units: 'm', extent: scene.extent});
  const source = new ol.source.Vector({features: new ol.format.GeoJSON().readFeatures(tiles)});
  const layers = [];
  if (imageryUrl) {
    state.imagery = new ol.layer.Image({source: new ol.source.ImageStatic({url: imageryUrl, projection,
      imageExtent: scene.extent})});
    layers.push(state.imagery);
  }
  state.prediction = new ol.layer.Image({opacity: $('opacity').value / 100,
    source: new ol.source.ImageStatic({url: predictionUrl, projection, imageExtent: scene.extent})});
  state.tileLayer = new ol.layer.Vector({source, style: tileStyle, visible: $('show-tiles').checked});
  layers.push(state.prediction, state.tileLayer);

  if (state.map) state.map.setTarget(null);
  previousUrls.forEach((url) => URL.revokeObjectURL(url));
  state.tiles = source;
  state.selected = null;
  const position = new ol.control.MousePosition({projection, className: 'mouse-position',
    coordinateFormat: (c) => 'E ' + c[0].toFixed(0) + '  N ' + c[1].toFixed(0) + ' (' + scene.crs + ')'});
  state.map = new ol.Map({target: 'map', layers,
    view: new ol.View({projection, extent: scene.extent, constrainOnlyCenter: true})});
  state.map.addControl(position);
  state.map.getView().fit(scene.extent, {padding: [10, 10, 10, 10]});
  state.map.on('singleclick', (event) => {
    const feature = state.map.forEachFeatureAtPixel(event.pixel, (f) => f,
      {layerFilter: (layer) => layer === state.tileLayer});
    selectTile(feature || null);
  });
  $('tile-details').replaceChildren(Object.assign(document.createElement('p'),
    {textContent: 'Click a tile to see its row.'}));
  // For the browser test and for people poking at the page from the console.
  window.tileinfer = {map: state.map, tiles: source, prediction: state.prediction, runId, sceneId, rendered: false};
  state.map.once('rendercomplete', () => { window.tileinfer.rendered = true; say(''); });
}

function selectTile(feature) {
  state.selected = feature;
  state.tileLayer.changed();
  const details = $('tile-details');
  details.replaceChildren();
  if (!feature) {
    details.appendChild(Object.assign(document.createElement('p'), {textContent: 'Click a tile to see its row.'}));
    return;
  }
  const p = feature.getProperties();
  const w = p.window;
  const fractions = Object.entries(p.class_fractions || {})
    .map(([name, value]) => name + ' ' + (100 * value).toFixed(1) + ' %').join(', ');
  const rows = [['tile', p.tile_id], ['status', p.status], ['window', 'x ' + w.x + ', y ' + w.y + ', ' + w.width +
    ' × ' + w.height + ' px'], ['input SHA-256', p.input_sha256], ['latency', p.latency_ms.toFixed(1) + ' ms'],
    ['attempts', p.attempts], ['class fractions', fractions],
    ['centre', p.centre_lon_lat ? lonLat(p.centre_lon_lat) : null], ['error', p.error], ['cause', p.cause],
    ['model version', p.model_version]];
  const heading = document.createElement('h3');
  heading.textContent = 'Tile ' + p.tile_id;
  const table = document.createElement('table');
  table.id = 'tile-table';
  for (const [name, value] of rows) {
    if (value === null || value === undefined || value === '') continue;
    const row = document.createElement('tr');
    row.dataset.field = name;
    cell(row, name);
    const td = cell(row, '');
    const code = document.createElement(name === 'input SHA-256' ? 'code' : 'span');
    code.textContent = String(value);
    td.appendChild(code);
    table.appendChild(row);
  }
  details.append(heading, table);
}

function legend() {
  const box = $('legend');
  box.replaceChildren();
  const by = $('colour-by').value;
  const entries = by === 'status' ? Object.entries(STATUS_COLOURS)
    : state.scene.classes.filter((c) => c.name === by).map((c) => [c.name + ' fraction (more = stronger)', c.color])
      .concat([['FAILED', STATUS_COLOURS.FAILED]]);
  const prediction = group(box, 'prediction:');
  for (const spec of state.scene.classes) swatch(prediction, spec.name, spec.color);
  const tiles = group(box, 'tiles:');
  for (const [name, colour] of entries) swatch(tiles, name, colour);
}

function group(box, title) {
  const span = document.createElement('span');
  span.className = 'legend-group';
  span.textContent = title;
  box.appendChild(span);
  return span;
}

function swatch(box, name, colour) {
  const span = document.createElement('span');
  span.className = 'swatch';
  span.style.background = colour;
  box.append(span, name);
}

async function showModels() {
  const data = await api('/ui/api/models');
  $('registry').textContent = data.registry;
  const box = $('models');
  box.replaceChildren();
  if (data.models.length === 0) box.textContent = 'The registry holds no model.';
  for (const model of data.models) {
    const div = document.createElement('div');
    div.className = 'model';
    const title = document.createElement('h3');
    title.textContent = model.name + ' ';
    const version = document.createElement('code');
    version.textContent = model.version;
    title.appendChild(version);
    for (const alias of model.aliases) {
      const tag = document.createElement('span');
      tag.className = 'alias';
      tag.textContent = alias;
      title.appendChild(tag);
    }
    // After a `promote`, the alias names another version than the one this server loaded at start.
    if (model.version === data.served) {
      const tag = document.createElement('span');
      tag.className = 'served';
      tag.textContent = 'served here';
      title.appendChild(tag);
    }
    const facts = document.createElement('table');
    const rows = [['tasks', model.tasks.join(', ')], ['framework', model.framework], ['bands', model.bands.join(', ')],
      ['classes', model.classes.join(', ')], ['tile size / halo', model.tile_size + ' / ' + model.halo],
      ['ONNX SHA-256', model.onnx_sha256]];
    for (const [name, value] of Object.entries(model.metrics || {})) {
      rows.push(['metric: ' + name, metric(value)]);
    }
    for (const [name, value] of rows) {
      const row = document.createElement('tr');
      cell(row, name);
      cell(row, value);
      facts.appendChild(row);
    }
    div.append(title, facts);
    box.appendChild(div);
  }
}

/** A card metric for reading: numbers to 4 significant digits, objects as "name value" pairs. */
function metric(value) {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  if (Array.isArray(value)) return value.map(metric).join(', ');
  if (value && typeof value === 'object') {
    return Object.entries(value).map(([name, v]) => name + ' ' + metric(v)).join(' · ');
  }
  return String(value);
}

/** "30.7283° N, 87.3982° W" from [longitude, latitude]. */
function lonLat([lon, lat]) {
  return Math.abs(lat).toFixed(4) + '° ' + (lat >= 0 ? 'N' : 'S') + ', ' + Math.abs(lon).toFixed(4) + '° ' +
    (lon >= 0 ? 'E' : 'W');
}

function fail(error) { say(error.message); console.error(error); }

function tab(name) {
  $('page-runs').hidden = name !== 'runs';
  $('page-models').hidden = name !== 'models';
  $('tab-runs').classList.toggle('active', name === 'runs');
  $('tab-models').classList.toggle('active', name === 'models');
  if (name === 'models') showModels().catch(fail);
  if (name === 'runs' && state.map) state.map.updateSize();
}

document.addEventListener('DOMContentLoaded', () => {
  $('tab-runs').addEventListener('click', () => tab('runs'));
  $('tab-models').addEventListener('click', () => tab('models'));
  $('runs-older').addEventListener('click', () => showOlderRuns().catch(fail));
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key-input').value.trim());
    $('key-form').hidden = true;
    for (const retry of pendingRetries.splice(0)) retry();
  });
  $('opacity').addEventListener('input', () => state.prediction && state.prediction.setOpacity($('opacity').value / 100));
  $('show-tiles').addEventListener('change', () => state.tileLayer && state.tileLayer.setVisible($('show-tiles').checked));
  $('colour-by').addEventListener('change', () => { legend(); if (state.tileLayer) state.tileLayer.changed(); });
  showRuns().catch(fail);
});
