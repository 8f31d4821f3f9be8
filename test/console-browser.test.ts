// The console in a real browser (Debian's Chromium via playwright-core): rows arriving live, a cold start, an
// error row with its type, filter, pause, replay, the try-it form answering the tutorial's request with class 1,
// instances, keyboard, themes (screenshots saved as test artifacts), the token and a DNS-rebinding Host refused.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../scripts/chromium.js';
import { type Fixture, type StartedCli, startCli, startConsoleFixture } from './console-helpers.js';
import { invoke } from './emulator-helpers.js';

const ARTIFACTS = join(import.meta.dirname, '..', '.artifacts', 'test', 'console');
const present = existsSync(CHROMIUM_PATH);
if (!present && process.env.CI === 'true') {
  throw new Error(
    `the browser tests must run in CI, but ${CHROMIUM_PATH} is missing (.ci/run installs chromium)`,
  );
}
const skip = present
  ? false
  : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium); browser tests skipped`;
const TIMEOUT = 30_000;

/** Chromium that resolves a DNS-rebinding attacker's name to loopback, as after a rebind. */
const launch = (): Promise<Browser> =>
  launchChromium(['--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1']);

async function openConsole(
  browser: Browser,
  url: string,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme });
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(url);
  await page.waitForSelector('#connection[data-state="live"]');
  return page;
}

const rows = (page: Page) => page.locator('#rows tr.inv');

/** The text of some cells of a table row. */
const cells = (row: Locator, ...at: number[]) =>
  Promise.all(at.map(async (i) => ((await row.locator('td').nth(i).textContent()) ?? '').trim()));

/** Polls `check` until it holds (a page's CSP forbids evaluating strings, so no waitForFunction). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + TIMEOUT;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const waitRows = (page: Page, n: number) =>
  until(async () => (await rows(page).count()) === n, `${n} rows in the table`);

describe('console in Chromium', { skip }, () => {
  let browser: Browser;
  let cli: StartedCli;
  let dir: string;
  let page: Page;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-ml-console-browser-'));
    [browser, cli] = await Promise.all([
      launch(),
      startCli(['start', '--port', '0', '--model', join(dir, 'model.json')]),
    ]);
    page = await openConsole(browser, cli.consoleUrl as string);
  });
  after(async () => {
    await browser?.close();
    await cli?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the token out of the address bar and shows the function', async () => {
    assert.equal(new URL(page.url()).search, '');
    await page.waitForSelector('#function-line:has-text("model.json")');
    assert.match((await page.textContent('#function-line')) ?? '', /lambda-ml · model\.json · 128 MB/);
  });

  it('shows invocations as they arrive, the first one flagged as a cold start', async () => {
    await invoke(cli.url, { data: [0, 0, 0, 0] });
    await invoke(cli.url, { data: [1, 2, 3, 4] });
    await waitRows(page, 2);
    const newest = rows(page).nth(0);
    const oldest = rows(page).nth(1);
    assert.equal(await oldest.getAttribute('data-start'), 'cold');
    assert.deepEqual(await cells(oldest, 2, 3), ['OK · 200', 'cold']);
    assert.deepEqual(await cells(newest, 2, 3), ['OK · 200', 'warm']);
    await page.waitForSelector('[data-tile="invocations"] .value:text-is("2")');
  });

  it("answers the tutorial's request with class 1 from the try-it form", async () => {
    await page.waitForSelector('#feature-3');
    assert.equal(await page.inputValue('#payload'), '{"data":[0,0,0,0]}');
    await page.click('#send');
    await page.waitForSelector('#answer-status:has-text("HTTP 200")');
    assert.deepEqual(JSON.parse((await page.textContent('#answer-body')) ?? ''), {
      statusCode: 200,
      body: 1,
    });
    assert.match((await page.textContent('#answer-log')) ?? '', /REPORT RequestId: .*Billed Duration/);
    await page.fill('#feature-0', 'abc');
    assert.match((await page.textContent('#payload-error')) ?? '', /feature 0 is 'abc'; expected a number/);
    await page.fill('#feature-0', '0');
  });

  it('opens an invocation (request, response, log) and replays it', async () => {
    await waitRows(page, 3);
    await rows(page).nth(2).click();
    await page.waitForSelector('#detail-request');
    assert.deepEqual(JSON.parse((await page.textContent('#detail-request')) ?? ''), { data: [0, 0, 0, 0] });
    assert.deepEqual(JSON.parse((await page.textContent('#detail-response')) ?? ''), {
      statusCode: 200,
      body: 1,
    });
    assert.match(
      (await page.textContent('#detail-log')) ?? '',
      /START RequestId: [\s\S]*REPORT RequestId: .*Init Duration/,
    );
    assert.match(
      (await page.textContent('#detail-curl')) ?? '',
      /^curl -X POST '.*\/invocations' -d '\{"data":\[0,0,0,0\]\}'$/,
    );
    const before = (await page.textContent('#detail-title')) ?? '';
    await page.click('#replay');
    await waitRows(page, 4);
    await page.waitForFunction(
      `document.querySelector('#detail-title').textContent !== ${JSON.stringify(before)}`,
    );
    assert.deepEqual(JSON.parse((await page.textContent('#detail-request')) ?? ''), { data: [0, 0, 0, 0] });
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#detail'), true);
  });

  it('is driven from the keyboard: / filters, j/k move, Enter opens, Esc closes', async () => {
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    assert.equal(await page.locator('#filter').evaluate((el) => el === el.ownerDocument.activeElement), true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const current = page.locator('#rows tr[aria-current="true"]');
    assert.equal(await current.count(), 1);
    assert.equal(await current.getAttribute('data-seq'), await rows(page).nth(0).getAttribute('data-seq'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail:not([hidden]) #detail-log');
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#detail'), true);
    await page.focus('#filter');
    const outline = await page
      .locator('#filter')
      .evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).outlineStyle);
    assert.equal(outline, 'solid', 'focus is visible');
  });

  it('draws the charts and the cost, and lists instances; stopping one makes the next call cold', async () => {
    for (const name of ['latency', 'histogram', 'rate', 'instances'])
      assert.equal(await page.locator(`#chart-${name} canvas`).count(), 1, name);
    await page.waitForSelector('#cost-total');
    assert.match((await page.textContent('#cost-total')) ?? '', /^\$[\d,.]+ \/ month$/);
    await page.fill('#rate', '1000');
    await page.waitForSelector('#cost-out:has-text("2,628,000,000 requests a month")');
    const instance = page.locator('#instances-body tr[data-state="idle"]');
    await instance.waitFor();
    const [id, state, pid, rss, served] = await cells(instance, 0, 1, 2, 3, 4);
    assert.deepEqual([id, state, served], ['#1', 'idle', '4']);
    assert.match(pid ?? '', /^\d+$/);
    assert.match(rss ?? '', /^[\d.]+ MB$/);
    await instance.locator('button').click();
    await page.waitForSelector('#instances-body tr[data-state="stopped"]');
    await invoke(cli.url, { data: [0, 0, 0, 0] });
    await waitRows(page, 5);
    assert.equal(await rows(page).nth(0).getAttribute('data-start'), 'cold');
  });

  it('follows the system theme, toggles it, and saves screenshots of both themes', async (t) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dark = await openConsole(browser, cli.consoleUrl as string, 'dark');
    const background = () =>
      dark
        .locator('body')
        .evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).backgroundColor);
    assert.equal(await background(), 'rgb(15, 18, 22)');
    await dark.waitForSelector('#rows tr.inv');
    for (const [shot, name] of [
      [dark, 'console-dark.png'],
      [page, 'console-light.png'],
    ] as const) {
      await shot.keyboard.press('Escape');
      await shot.locator('html').evaluate((el) => el.ownerDocument.defaultView.scrollTo(0, 0));
      await shot.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
    }
    t.diagnostic(
      `screenshots: ${join(ARTIFACTS, 'console-light.png')}, ${join(ARTIFACTS, 'console-dark.png')}`,
    );
    await dark.click('#theme');
    assert.equal(await dark.getAttribute('html', 'data-theme'), 'light');
    assert.equal(await background(), 'rgb(246, 247, 249)');
    await dark.close();
  });

  it('asks for the token, and refuses a page reached under a rebound domain name', async () => {
    const origin = new URL(cli.consoleUrl as string).origin;
    const stranger = await browser.newPage();
    const plain = await stranger.goto(`${origin}/`);
    assert.equal(plain?.status(), 401);
    assert.match((await stranger.textContent('body')) ?? '', /Token required[\s\S]*URL lambda-ml printed/);
    const port = new URL(origin).port;
    const token = new URL(cli.consoleUrl as string).searchParams.get('token');
    const rebound = await stranger.goto(`http://rebind.attacker.test:${port}/?token=${token}`);
    assert.equal(rebound?.status(), 403);
    assert.match((await stranger.textContent('body')) ?? '', /not a loopback address/);
    await stranger.close();
  });
});

describe('console in Chromium: errors, filter, pause, clear', { skip }, () => {
  let browser: Browser;
  let f: Fixture;
  let page: Page;
  before(async () => {
    [browser, f] = await Promise.all([launch(), startConsoleFixture()]);
    page = await openConsole(browser, f.console.url);
  });
  after(async () => {
    await browser?.close();
    await f?.close();
  });

  it('shows an error row with its error type, and filters by kind and by text', async () => {
    await invoke(f.emulator.url, { action: 'echo' });
    await invoke(f.emulator.url, { action: 'exit', code: 3 });
    await invoke(f.emulator.url, { action: 'echo' });
    await waitRows(page, 3);
    const failed = page.locator('#rows tr[data-status="error"]');
    assert.equal(await failed.count(), 1);
    assert.deepEqual(await cells(failed, 2), ['Error · Runtime.ExitError']);
    await page.selectOption('#kind', 'errors');
    await waitRows(page, 1);
    await page.selectOption('#kind', 'cold');
    await waitRows(page, 2);
    await page.selectOption('#kind', 'all');
    await page.fill('#filter', 'exiterror');
    await waitRows(page, 1);
    await page.fill('#filter', '');
    await waitRows(page, 3);
  });

  it('pauses with a count of what arrived, resumes, and clears', async () => {
    await page.click('#pause');
    await invoke(f.emulator.url, { action: 'echo' });
    await invoke(f.emulator.url, { action: 'echo' });
    await page.waitForSelector('#pause:has-text("Resume (2 new)")');
    assert.equal(await rows(page).count(), 3);
    assert.match((await page.textContent('#connection')) ?? '', /Paused · 2 new/);
    await page.click('#pause');
    await waitRows(page, 5);
    await page.click('#clear');
    await waitRows(page, 0);
    assert.equal(await page.isVisible('#empty'), true);
  });
});
