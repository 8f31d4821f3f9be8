// Regenerates docs/console-light.png and docs/console-dark.png: the tutorial model served with its console,
// some traffic (warm and cold calls, a bad request, a try-it answer, an open invocation), Chromium screenshots.
// Run after `npm run build`: node --import tsx scripts/console-screenshots.ts [outDir]   (default docs/)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keepAliveAgent, post, targetOf } from '../src/bench/client.js';
import { startConsole } from '../src/console/server.js';
import { startEmulator } from '../src/emulator/server.js';
import { launchChromium } from './chromium.js';
import { trainTutorialModel } from './tutorial-model.js';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const out = resolve(process.argv[2] ?? join(ROOT, 'docs'));
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-shots-'));
const model = join(dir, 'model.json');
trainTutorialModel(model);

const emulator = await startEmulator({
  host: '127.0.0.1',
  port: 0,
  modelPath: model,
  taskRoot: DIST,
  runtimeCommand: [process.execPath, join(DIST, 'runtime', 'main.js')],
  writeLog: () => {},
});
const server = await startConsole(emulator, {
  describe: async () => {
    const { describeModel } = await import('../src/model/describe.js');
    const { loadAnyModelFile } = await import('../src/sklearn/load-any.js');
    return describeModel(loadAnyModelFile(model));
  },
  model: 'model.json',
});
const browser = await launchChromium();
try {
  const send = async (payload: string, clients: number, count: number) => {
    const target = targetOf(emulator.url, payload);
    const agent = keepAliveAgent(clients);
    for (let i = 0; i < count; i += clients) {
      await Promise.all(Array.from({ length: clients }, () => post(target, agent)));
      await new Promise((r) => setTimeout(r, 40));
    }
    agent.destroy();
  };
  await send('{"data":[0,0,0,0]}', 3, 120);
  await send('{"data":[1.5,-0.3,0.2,2],"probabilities":true}', 2, 60);
  await send('{"data":[0,0,0]}', 1, 2);
  emulator.stopInstance(1);
  await send('{"data":[0.4,1,-1,0]}', 2, 40);
  for (const theme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, colorScheme: theme });
    await page.goto(server.url);
    await page.waitForSelector('#feature-3');
    await page.click('#send');
    await page.waitForSelector('#answer-status:has-text("HTTP 200")');
    await page.locator('#rows tr.inv').nth(3).click();
    await page.waitForSelector('#detail-log');
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(out, `console-${theme}.png`), fullPage: true });
    await page.close();
    process.stdout.write(`wrote ${join(out, `console-${theme}.png`)}\n`);
  }
} finally {
  await browser.close();
  await server.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
