// The web page in a real browser (Debian's headless Chromium, driven by playwright-core):
//   [TILEINFER_UI_KEY=KEY] [TILEINFER_UI_RUNS=N] node ui-check.mjs http://127.0.0.1:PORT OUT_DIR EXPECTED_RUN_ID
// The runs list shows the run, the map draws its tiles, clicking a tile shows its row, the opacity slider works,
// the models page shows the production model, "Older runs" pages through the store's N runs (when N is given),
// the page loads nothing from elsewhere and logs no error.
// Screenshots: OUT_DIR/ui.png (runs and map with a tile's details) and OUT_DIR/ui-models.png.
import {chromium} from 'playwright-core';
import assert from 'node:assert/strict';

const [base, outDir, expectedRun] = process.argv.slice(2);
const apiKey = process.env.TILEINFER_UI_KEY; // when the server has one: the page must ask for it
const storeRuns = Number(process.env.TILEINFER_UI_RUNS || 0); // how many runs the store holds, when known
if (!base || !outDir || !expectedRun) {
  console.error('usage: node ui-check.mjs BASE_URL OUT_DIR RUN_ID');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking'],
});
let passed = 0;
let failed = 0;
async function step(name, body) {
  try {
    await body();
    passed++;
    console.log('ok - ' + name);
  } catch (error) {
    failed++;
    console.log('not ok - ' + name + '\n  ' + String(error && error.stack || error).split('\n').join('\n  '));
  }
}

const page = await browser.newPage({viewport: {width: 1500, height: 1250}});
const problems = [];
const elsewhere = [];
page.on('pageerror', (error) => problems.push('page error: ' + error.message));
page.on('console', (message) => {
  // Chromium logs the first, refused request of a keyed server; that one is how the page learns to ask for the key.
  const expected = apiKey && /status of 401/.test(message.text()) && problems.length === 0 && !keyGiven;
  if (message.type() === 'error' && !expected) problems.push('console: ' + message.text());
});
let keyGiven = false;
page.on('request', (request) => {
  const url = request.url();
  if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:')) elsewhere.push(url);
});

try {
  if (apiKey) {
    await step('the page asks for the API key and shows no data without it', async () => {
      await page.goto(base + '/ui');
      await page.locator('#key-form').waitFor({state: 'visible', timeout: 30_000});
      assert.equal(await page.locator('#runs-table tbody tr').count(), 0);
      keyGiven = true;
      await page.fill('#key-input', apiKey);
      await page.click('#key-form button[type=submit]');
      await page.locator('#key-form').waitFor({state: 'hidden'});
    });
  }

  await step('the runs list shows the run with its counts', async () => {
    if (!apiKey) await page.goto(base + '/ui');
    const row = page.locator('#runs-table tbody tr', {hasText: expectedRun});
    await row.waitFor({timeout: 30_000});
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[0], expectedRun);
    assert.match(cells[1], /^(succeeded|finished_with_failures)$/);
    assert.ok(Number(cells[2]) > 0, 'tiles done: ' + cells[2]);
    assert.match(cells[5], /s$/, 'a duration: ' + cells[5]);
    await page.locator('#run-id', {hasText: expectedRun}).waitFor();
    assert.match(await page.textContent('#manifest-text'), new RegExp('"run_id": "' + expectedRun + '"'));
  });

  await step('the map draws the tiles over the imagery and the prediction', async () => {
    await page.waitForFunction(() => window.tileinfer && window.tileinfer.rendered, null, {timeout: 60_000});
    const drawn = await page.evaluate(() => {
      const features = window.tileinfer.tiles.getFeatures();
      // Every canvas OpenLayers drew into: some pixels of each must be coloured.
      const canvases = [...document.querySelectorAll('#map canvas')].map((canvas) => {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set();
        let opaque = 0;
        for (let i = 0; i < data.length; i += 4 * 7) {
          if (data[i + 3] > 0) opaque++;
          colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        }
        return {opaque, colours: colours.size};
      });
      return {features: features.length, statuses: [...new Set(features.map((f) => f.get('status')))], canvases};
    });
    const rowText = await page.locator('#runs-table tbody tr', {hasText: expectedRun}).locator('td').allTextContents();
    const rows = Number(rowText[2]) + Number(rowText[3]) + Number(rowText[4]);
    assert.equal(drawn.features, rows, 'one feature per tile row');
    assert.ok(drawn.canvases.length > 0, 'the map has a canvas');
    assert.ok(drawn.canvases.every((c) => c.opaque > 1000 && c.colours > 50), JSON.stringify(drawn.canvases));
  });

  await step('clicking a tile shows its row: window, hash, latency', async () => {
    const target = await page.evaluate(() => {
      const features = window.tileinfer.tiles.getFeatures();
      // a tile in the middle of the grid, so that the click lands inside the map whatever its zoom
      const feature = features[Math.floor(features.length / 2)];
      const extent = feature.getGeometry().getExtent();
      const pixel = window.tileinfer.map.getPixelFromCoordinate([(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2]);
      return {pixel, id: feature.get('tile_id'), window: feature.get('window'), sha: feature.get('input_sha256')};
    });
    await page.locator('#map').scrollIntoViewIfNeeded();
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + target.pixel[0], box.y + target.pixel[1]);
    const table = page.locator('#tile-table');
    await table.waitFor({timeout: 10_000});
    const text = await table.textContent();
    assert.ok(text.includes(target.id), text);
    assert.ok(text.includes('x ' + target.window.x + ', y ' + target.window.y), text);
    assert.ok(text.includes(target.sha) && /^[0-9a-f]{64}$/.test(target.sha), text);
    assert.match(text, /latency[\d.]+ ms/);
    assert.match(text, /class fractions/);
  });

  await step('the opacity slider changes the prediction overlay, the colouring can follow a class', async () => {
    await page.locator('#opacity').fill('25');
    assert.equal(await page.evaluate(() => window.tileinfer.prediction.getOpacity()), 0.25);
    const options = await page.locator('#colour-by option').allTextContents();
    assert.ok(options.length > 1 && options.some((o) => o.endsWith('fraction')), options.join());
    await page.locator('#opacity').fill('60');
  });

  await page.screenshot({path: outDir + '/ui.png', fullPage: true});

  await step('the models page shows the registered version, its alias, that it is served here, and metrics', async () => {
    await page.click('#tab-models');
    const model = page.locator('.model').first();
    await model.waitFor({timeout: 10_000});
    const text = await model.textContent();
    assert.match(text, /production/);
    assert.equal(await page.locator('.model .served').count(), 1);
    assert.match(await model.locator('.served').textContent(), /served here/);
    assert.match(text, /metric: /);
    await page.screenshot({path: outDir + '/ui-models.png', fullPage: true});
  });

  if (storeRuns > 0) {
    await step('the runs list shows 50 runs, newest first, and "Older runs" appends the others', async () => {
      await page.click('#tab-runs');
      const rows = page.locator('#runs-table tbody tr');
      const older = page.locator('#runs-older');
      assert.equal(await rows.count(), Math.min(50, storeRuns));
      while (await older.isVisible()) {
        const shown = await rows.count();
        await older.click();
        await page.waitForFunction((n) => document.querySelectorAll('#runs-table tbody tr').length > n, shown,
          {timeout: 10_000});
      }
      const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.runId));
      assert.equal(ids.length, storeRuns);
      assert.equal(new Set(ids).size, ids.length, 'no run twice');
      assert.equal(ids[0], expectedRun);
      const started = await rows.evaluateAll((trs) => trs.map((tr) => Date.parse(tr.cells[7].textContent)));
      assert.ok(started.every((t, i) => i === 0 || started[i - 1] >= t), 'newest first: ' + started.join());
    });
  }

  await step('nothing was loaded from elsewhere and nothing failed in the page', async () => {
    assert.deepEqual(elsewhere, []);
    assert.deepEqual(problems, []);
  });
} finally {
  await browser.close();
}
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed === 0 ? 0 : 1);
