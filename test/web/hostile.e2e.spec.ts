/**
 * A hostile student against the pages, in Debian's chromium (issue #13): the sign-in page's `next`
 * must never send the browser to another host, and a page on a sibling origin (another port of the
 * same host: same site, so SameSite=Lax still sends the cookie) must not change anything with the
 * instructor's session; the pages' own state changes (which send the session's CSRF token) still work.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, startApi, WEB_CLIENT_ID } from '../support/api-harness.js';
import { freePort } from '../support/redis-server.js';

const INSTRUCTOR = 'prof.lee@utsa.edu';
const JANE = FIXTURE_VARIANTS.good.email as string;

describe('pages against a hostile student, in a real browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let base: string;
  let sibling: Server;
  let siblingBase: string;
  let submissionId: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The site's origin is where the browser reaches it: state changes from anywhere else are refused.
    api = await startApi({ label: 'web-hostile', worker: true, env: { INITIAL_INSTRUCTORS: INSTRUCTOR, PUBLIC_BASE_URL: base } });
    await api.app.listen(port, '127.0.0.1');
    await api.sessionFor(INSTRUCTOR, 'instructor');
    const jane = await api.sessionFor(JANE, 'student');
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`)
      .attach('file', Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.good))), 'Class_06_2.ipynb');
    expect(upload.status).toBe(202);
    submissionId = upload.body.submissionId;
    await api.waitUntilProcessed(submissionId, jane, 60_000);

    // The attacker's page, on another port of the same host.
    sibling = createServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(attackPage(base, request.url ?? '/'));
    });
    await new Promise<void>((resolve) => sibling.listen(0, '127.0.0.1', resolve));
    siblingBase = `http://127.0.0.1:${(sibling.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => sibling?.close(resolve));
    await api?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route(/accounts\.google\.com/, (route) => route.abort());
    // Any other host answers with a page that says where the browser landed.
    await context.route((url) => url.hostname.endsWith('evil.example'), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>EVIL</title>landed on evil.example' }));
    return context.newPage();
  }

  async function signInAt(page: Page, url: string, email: string): Promise<void> {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.locator('details summary').click();
    await page.fill('input[name=idToken]', api.google.mintIdToken({ email, audience: WEB_CLIENT_ID }));
    await page.click('#signin-form button[type=submit]');
    await page.waitForURL((where) => where.pathname !== '/' || where.host !== new URL(base).host);
  }

  it('after sign-in, follows `next` only to a path of this site, however the URL parser is tricked (item 1)', async () => {
    const hostile = [
      '/\t/evil.example/',
      '/\n/evil.example/',
      '/\r/evil.example/x',
      '/\\evil.example/',
      '/\t\\evil.example/',
      '//evil.example/',
      '///evil.example/',
      'https://evil.example/',
      '\t//evil.example/',
      'javascript:alert(1)',
    ];
    for (const next of hostile) {
      const page = await newPage();
      await signInAt(page, `${base}/?next=${encodeURIComponent(next)}`, JANE);
      const landed = new URL(page.url());
      expect({ next, host: landed.host }).toEqual({ next, host: new URL(base).host });
      expect({ next, path: landed.pathname }).toEqual({ next, path: '/me' });
      await page.context().close();
    }
    // A path of this site is still where sign-in goes back to.
    const page = await newPage();
    await signInAt(page, `${base}/?next=${encodeURIComponent(`/me?from=next#top`)}`, JANE);
    expect(page.url()).toBe(`${base}/me?from=next#top`);
    await page.context().close();
  });

  it("a sibling origin's page cannot import a roster or start a re-grade with the instructor's cookie; the pages' own buttons can (item 2)", async () => {
    const page = await newPage();
    await signInAt(page, `${base}/`, INSTRUCTOR);
    expect(new URL(page.url()).pathname).toBe('/staff/assignments/class_06_2');

    const attacker = await page.context().newPage();
    const answers: number[] = [];
    page.context().on('response', (response) => {
      if (response.url().startsWith(`${base}/api/`)) answers.push(response.status());
    });
    await attacker.goto(`${siblingBase}/fetch`);
    await attacker.waitForFunction("document.title === 'sent'", undefined, { timeout: 10_000 });
    await attacker.goto(`${siblingBase}/form`);
    // The form navigates the tab to the API's answer.
    await attacker.waitForURL(`${base}/api/assignments/class_06_2/regrade`, { timeout: 10_000 });
    expect(await attacker.locator('body').textContent()).toMatch(/cross-site request refused/);
    expect(answers.length).toBeGreaterThanOrEqual(2);
    expect(answers.every((status) => status === 403)).toBe(true);
    expect(await api.sql(`SELECT email FROM "Person" WHERE email = 'mallory@evil.example'`)).toEqual([]);
    expect(await api.sql('SELECT id FROM "RegradeRun"')).toEqual([]);

    // The page's own button (same origin, the session's CSRF token) starts the re-grade.
    await page.goto(`${base}/staff/assignments/class_06_2/regrades`);
    await page.click('#start-regrade');
    await page.waitForURL(/\/staff\/assignments\/class_06_2\/regrades\/[0-9a-f-]{36}$/);
    expect(await api.sql('SELECT count(*)::int AS n FROM "RegradeRun"')).toEqual([{ n: 1 }]);
    // And signing out ends the session: the old cookie no longer opens staff pages.
    const cookies = await page.context().cookies(base);
    await page.click('#logout');
    await page.waitForURL(`${base}/`);
    const replay = await browser.newContext();
    await replay.addCookies(cookies);
    const again = await replay.request.get(`${base}/api/auth/me`);
    expect(again.status()).toBe(401);
    await replay.close();
    await page.context().close();
  });
});

/** What a page on the sibling origin does with the instructor's cookie. */
function attackPage(target: string, path: string): string {
  if (path === '/fetch') {
    return `<!doctype html><title>loading</title><script>
      const form = new FormData();
      form.append('file', new Blob(['Name,Email,Role\\nMallory,mallory@evil.example,instructor\\n'], { type: 'text/csv' }), 'roster.csv');
      fetch(${JSON.stringify(`${target}/api/roster`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: form })
        .catch(() => null).then(() => { document.title = 'sent'; });
    </script>`;
  }
  return `<!doctype html><title>form</title>
    <form id="f" method="POST" action=${JSON.stringify(`${target}/api/assignments/class_06_2/regrade`)} enctype="application/x-www-form-urlencoded">
      <input name="x" value="1"></form><script>document.getElementById('f').submit();</script>`;
}
