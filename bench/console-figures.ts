// Console figures, all measured in one run: throughput and warm p50 of `lambda-ml serve --no-console` next to
// serve with the console (nobody watching) and with the console open in Chromium; the page's cost per update
// with 10,000 invocations in its buffer next to a nearly empty buffer; the page bundle's size.
// Run: node --import tsx bench/console-figures.ts (after `npm run build`); BENCH_QUICK=1 for a smoke run.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../scripts/chromium.js';
import { trainTutorialModel } from '../scripts/tutorial-model.js';
import { answerCheck } from '../src/bench/check.js';
import { keepAliveAgent, post, targetOf } from '../src/bench/client.js';
import { freePort, type Launched, launch } from '../src/bench/launch.js';
import { throughput, warmLatency } from '../src/bench/load.js';
import { median, percentile } from '../src/bench/stats.js';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 1 : 3;
const WARM_CALLS = QUICK ? 300 : 2000;
const SECONDS = QUICK ? 2 : 5;
const CLIENTS = 4;
const PACED_PER_SECOND = 200;
const PACED_SECONDS = QUICK ? 2 : 5;
const PAYLOAD = '{"data":[0,0,0,0]}';
const EXPECTED = '{"statusCode":200,"body":1}';
const CHECK = answerCheck(EXPECTED);

type Arm = 'no-console' | 'console, no page' | 'console + Chromium';
interface Server {
  readonly launched: Launched;
  readonly url: string;
  readonly consoleUrl: string | null;
}

async function serve(model: string, withConsole: boolean): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const argv = [process.execPath, join(DIST, 'cli', 'main.js'), 'serve', '--port', String(port)];
  argv.push('--model', model, '--concurrency', '16', ...(withConsole ? [] : ['--no-console']));
  const launched = await launch(argv, targetOf(url, PAYLOAD), CHECK);
  let consoleUrl: string | null = null;
  while (withConsole && consoleUrl === null) {
    consoleUrl = /^console: (\S+)$/m.exec(launched.stderr())?.[1] ?? null;
    if (consoleUrl === null) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { launched, url, consoleUrl };
}

interface PageCounters {
  lambdaMlConsole: { updates: number[] };
}

async function openPage(browser: Browser, consoleUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(consoleUrl);
  await page.waitForSelector('#connection[data-state="live"]');
  return page;
}

/** `perSecond` calls a second for `seconds`, started on a fixed schedule (not back to back). */
async function paced(url: string, perSecond: number, seconds: number): Promise<void> {
  const target = targetOf(url, PAYLOAD);
  const agent = keepAliveAgent(8);
  const calls: Promise<unknown>[] = [];
  const started = performance.now();
  for (let i = 0; i < perSecond * seconds; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(post(target, agent));
  }
  await Promise.all(calls);
  agent.destroy();
}

interface UpdateCost {
  readonly rows: number;
  readonly updates: number[];
  /** Milliseconds of page main-thread work per second of streaming (CDP TaskDuration). */
  readonly busyMsPerSecond: number;
}

async function updateCost(page: Page, url: string): Promise<UpdateCost> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  };
  await page.evaluate(() => {
    (globalThis as unknown as PageCounters).lambdaMlConsole.updates.length = 0;
  });
  const before = await task();
  const started = performance.now();
  await paced(url, PACED_PER_SECOND, PACED_SECONDS);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const busy = (await task()) - before;
  const wall = (performance.now() - started) / 1000;
  const updates = await page.evaluate(() => [
    ...(globalThis as unknown as PageCounters).lambdaMlConsole.updates,
  ]);
  const rows = await page.locator('#rows tr.inv').count();
  await cdp.detach();
  return { rows, updates, busyMsPerSecond: (busy * 1000) / wall };
}

async function rowsHeld(page: Page): Promise<number> {
  const text = (await page.textContent('[data-tile="invocations"] .value')) ?? '0';
  return Number(text.replaceAll(',', ''));
}

function bundle(): void {
  const dir = join(DIST, 'console-page');
  console.log('\nconsole page bundle (dist/console-page, as served: gzip level 9)');
  let total = 0;
  let totalGz = 0;
  for (const name of ['app.js', 'app.css', 'index.html']) {
    const body = readFileSync(join(dir, name));
    const gz = gzipSync(body, { level: 9 }).length;
    total += body.length;
    totalGz += gz;
    console.log(
      `  ${name.padEnd(11)} ${String(body.length).padStart(8)} B  ${String(gz).padStart(7)} B gzip`,
    );
  }
  console.log(
    `  ${'total'.padEnd(11)} ${String(total).padStart(8)} B  ${String(totalGz).padStart(7)} B gzip`,
  );
  const uplot = join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.iife.min.js');
  if (existsSync(uplot)) {
    const size = statSync(uplot).size;
    const gz = gzipSync(readFileSync(uplot), { level: 9 }).length;
    console.log(`  baseline: uPlot alone (its own minified build) ${size} B, ${gz} B gzip`);
  }
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const loadAtStart = load();
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-console-'));
const servers: Server[] = [];
let browser: Browser | null = null;
try {
  const model = join(dir, 'model.json');
  trainTutorialModel(model);
  const arms = new Map<Arm, Server>();
  arms.set('no-console', await serve(model, false));
  arms.set('console, no page', await serve(model, true));
  servers.push(...arms.values());
  const hasBrowser = existsSync(CHROMIUM_PATH);
  let page: Page | null = null;
  if (hasBrowser) {
    browser = await launchChromium();
    const watched = await serve(model, true);
    servers.push(watched);
    arms.set('console + Chromium', watched);
    page = await openPage(browser, watched.consoleUrl as string);
  } else console.log(`no Chromium at ${CHROMIUM_PATH}: the 'console open in a browser' figures are skipped`);

  const p50 = new Map<Arm, number[]>();
  const rate = new Map<Arm, number[]>();
  const names = [...arms.keys()];
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round, so no arm always runs first (or last) on a noisy machine.
    for (let k = 0; k < names.length; k++) {
      const arm = names[(round + k) % names.length] as Arm;
      const target = targetOf((arms.get(arm) as Server).url, PAYLOAD);
      const warm = await warmLatency(target, WARM_CALLS, CHECK);
      const load = await throughput(target, CLIENTS, SECONDS, CHECK);
      if (warm.errors + load.errors > 0) throw new Error(`${arm}: ${warm.firstError ?? load.firstError}`);
      p50.set(arm, [...(p50.get(arm) ?? []), warm.latency.p50Ms]);
      rate.set(arm, [...(rate.get(arm) ?? []), load.perSecond]);
    }
  }
  const min = (values: number[]) => Math.min(...values);
  console.log(`emulator with and without the console (${ROUNDS} rounds; min / median over rounds)`);
  console.log(
    `${''.padEnd(30)}${'warm p50 (ms)'.padStart(22)}${`throughput, ${CLIENTS} clients (/s)`.padStart(32)}`,
  );
  for (const arm of names) {
    const a = p50.get(arm) ?? [];
    const b = rate.get(arm) ?? [];
    const cells = [
      `${min(a).toFixed(3)} / ${median(a).toFixed(3)}`,
      `${Math.max(...b).toFixed(0)} / ${median(b).toFixed(0)}`,
    ];
    console.log(`${arm.padEnd(30)}${(cells[0] as string).padStart(22)}${(cells[1] as string).padStart(32)}`);
  }
  console.log(
    `(throughput: max / median; warm p50 of ${WARM_CALLS} sequential calls; ${SECONDS} s per throughput run)`,
  );

  if (browser !== null && page !== null) {
    const full = arms.get('console + Chromium') as Server;
    const fresh = await serve(model, true);
    servers.push(fresh);
    const small = await openPage(browser, fresh.consoleUrl as string);
    // Top the watched console's buffer up to its 10,000 invocations (the rounds above mostly did).
    while ((await rowsHeld(page)) < 10_000) await throughput(targetOf(full.url, PAYLOAD), 8, 1, CHECK);
    const reopened = await openPage(browser, full.consoleUrl as string);
    const held = await rowsHeld(reopened);
    const replay = await reopened.evaluate(() => [
      ...(globalThis as unknown as PageCounters).lambdaMlConsole.updates,
    ]);
    await reopened.close();
    await page.close();
    const costs: [string, UpdateCost, number][] = [];
    const smallCost = await updateCost(small, fresh.url);
    costs.push(['nearly empty buffer', smallCost, await rowsHeld(small)]);
    const fullPage = await openPage(browser, full.consoleUrl as string);
    const fullCost = await updateCost(fullPage, full.url);
    costs.push(['10,000 in the buffer', fullCost, await rowsHeld(fullPage)]);
    console.log(
      `\npage update cost: ${PACED_PER_SECOND} calls/s for ${PACED_SECONDS} s, one update per 100 ms batch (JS + layout per update)`,
    );
    console.log(
      `${''.padEnd(24)}${'rows held'.padStart(11)}${'updates'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'max ms'.padStart(9)}${'page busy ms/s'.padStart(16)}`,
    );
    for (const [name, cost, rows] of costs) {
      const sorted = Float64Array.from(cost.updates).sort();
      console.log(
        `${name.padEnd(24)}${String(rows).padStart(11)}${String(cost.updates.length).padStart(9)}${percentile(sorted, 50).toFixed(2).padStart(9)}${percentile(sorted, 95).toFixed(2).padStart(9)}${(sorted[sorted.length - 1] ?? 0).toFixed(2).padStart(9)}${cost.busyMsPerSecond.toFixed(1).padStart(16)}`,
      );
    }
    const replayTotal = replay.reduce((a, b) => a + b, 0);
    console.log(
      `opening the page with ${held.toLocaleString('en-US')} invocations held: replay applied in ${replay.length} updates, ${replayTotal.toFixed(1)} ms in all`,
    );
  }
  bundle();
  console.log(`\nload average (1/5/15 min): ${loadAtStart} at start, ${load()} at end`);
} finally {
  await browser?.close();
  await Promise.all(servers.map((s) => s.launched.stop()));
  rmSync(dir, { recursive: true, force: true });
}
