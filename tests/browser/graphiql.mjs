// End-to-end check of the self-hosted GraphiQL page in headless Chromium, with
// every request to another host blocked: proves the page works offline.
//
// usage: node graphiql.mjs <base-url> <bearer-token> <query> <expected-substring>
// Chromium: $CHROMIUM or /usr/bin/chromium (Debian's `chromium` package).
// Prints `ok` and exits 0 on success; otherwise prints what the page showed and exits 1.
import { chromium } from 'playwright-core';

const [baseUrl, token, query, expected] = process.argv.slice(2);
if (!baseUrl || !token || !query || !expected) {
  console.error('usage: node graphiql.mjs <base-url> <bearer-token> <query> <expected-substring>');
  process.exit(2);
}
const base = new URL(baseUrl);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 20_000;

const blocked = []; // requests that left the base host: any of them fails the test
const consoleLines = [];

// Same origin as the page: `window.location.host`, so an IPv6 or default-port base URL compares equal too.
const isLocal = (url) => {
  try {
    const u = new URL(url);
    return u.host === base.host || u.protocol === 'data:' || u.protocol === 'blob:';
  } catch {
    return false;
  }
};

// Playwright's launch() already gives Chromium a fresh, empty temp profile (and removes it on close);
// the flags stop Chromium's own background traffic, which page routing cannot see.
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

let page;
let failure;
try {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    if (!isLocal(ws.url().replace(/^ws/, 'http'))) blocked.push(ws.url());
    ws.close();
  });

  page = await context.newPage();
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  page.on('requestfailed', (r) => consoleLines.push(`[requestfailed] ${r.url()} ${r.failure()?.errorText ?? ''}`));

  const resp = await page.goto(new URL('/graphiql', base).href, { waitUntil: 'load', timeout: TIMEOUT });
  if (!resp?.ok()) throw new Error(`GET /graphiql answered ${resp?.status()}`);

  // The page opens the headers editor itself (defaultEditorToolsVisibility: 'headers').
  const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
  await headersEditor.waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: TIMEOUT });

  // Type the token into the real headers editor, as a person pasting it would.
  // insertText sends one input event (like a paste), so CodeMirror's bracket auto-closing doesn't interfere.
  const headers = JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);
  await headersEditor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(headers);
  const typed = await headersEditor.evaluate((el) => el.CodeMirror.getValue());
  if (typed !== headers) throw new Error(`headers editor holds ${JSON.stringify(typed)}, not what was typed`);

  // CodeMirror 5 instances hang off their wrapper element; setValue fires the change event GraphiQL listens to.
  await page.evaluate((q) => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q);
    // Clear the pane so the load-time introspection result can't satisfy the wait below.
    document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.setValue('');
  }, query);

  await page.locator('.graphiql-execute-button').click();
  await page.waitForFunction(
    (want) => {
      const cm = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
      return (cm ? cm.getValue() : '').includes(want);
    },
    expected,
    { timeout: TIMEOUT, polling: 100 },
  );

  // The pasted token must survive reloads; twice, because GraphiQL 3 on its own loses it on the
  // second one (the page works around that). Wait for it to reach localStorage first: GraphiQL
  // debounces its own saves.
  await page.waitForFunction(
    (t) => Object.keys(localStorage).some((k) => (localStorage.getItem(k) ?? '').includes(t)),
    token,
    { timeout: TIMEOUT },
  );
  for (const round of [1, 2]) {
    await page.reload({ waitUntil: 'load', timeout: TIMEOUT });
    await headersEditor.waitFor({ state: 'visible', timeout: TIMEOUT });
    const kept = await headersEditor.evaluate((el) => el.CodeMirror.getValue());
    if (!kept.includes(token)) throw new Error(`token lost on reload ${round}; headers editor: ${kept}`);
  }

  if (blocked.length) throw new Error('page tried to leave the base host');
} catch (e) {
  failure = e;
}

if (failure) {
  let result = '<page not loaded>';
  if (page) {
    result = await page
      .evaluate(() => {
        const cm = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
        return cm ? cm.getValue() : document.body?.innerText ?? '';
      })
      .catch((e) => `<unreadable: ${e.message}>`);
  }
  console.log(`FAILED: ${failure.message}`);
  console.log(`--- result pane ---\n${result}`);
  console.log(`--- console ---\n${consoleLines.join('\n')}`);
  console.log(`--- blocked off-host requests ---\n${blocked.join('\n') || '(none)'}`);
}
await browser.close();
if (failure) process.exit(1);
console.log('ok');
