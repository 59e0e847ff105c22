/** @jest-environment ./test/support/ort-jest-environment.mjs */
/**
 * The browser pages end to end: Debian's chromium (driven by playwright-core) against the real api
 * listening on 127.0.0.1, with its worker in-process, a fresh Postgres database, Redis and the fake
 * Google. Hand-ins are fixture notebooks uploaded through the API and graded for real.
 * Screenshots of the main pages land in test/.cache/screenshots/ for a reviewer to look at.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, startApi, WEB_CLIENT_ID } from '../support/api-harness.js';
import { printNotebookToPdf } from '../support/print-pdf.js';
import { freePort } from '../support/redis-server.js';
import { makeFixtures, type FixtureManifest } from '../support/runner-fixtures.js';
import { writeSmallModelSpec } from '../support/small-model-spec.js';

const INSTRUCTOR = 'prof.lee@utsa.edu';
const TA = 'sam.ta@utsa.edu';
const JANE = FIXTURE_VARIANTS.good.email as string;
const MARCUS = FIXTURE_VARIANTS.seed42.email as string;
const AISHA = FIXTURE_VARIANTS.parityFailure.email as string;
const SCREENSHOTS = join(process.cwd(), 'test/.cache/screenshots');

describe('web pages in a real browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let base: string;
  let specs: string;
  let models: FixtureManifest;
  const submissions: Record<string, string> = {};

  beforeAll(async () => {
    // The spec's re-run names a small model (resnet18, 64 px) so a real re-run fits in the test.
    specs = await mkdtemp(join(tmpdir(), 'web-specs-'));
    await writeSmallModelSpec(specs);
    models = await makeFixtures({ backbone: 'resnet18', size: 64, out: specs, variants: ['onnx'] });
    // The site's origin is where the browser reaches it (state changes from elsewhere are refused).
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = await startApi({
      label: 'web',
      worker: true,
      env: {
        INITIAL_INSTRUCTORS: INSTRUCTOR,
        PUBLIC_BASE_URL: base,
        WORKER_QUEUES: 'grade,rerun',
        MAX_UPLOAD_BYTES: String(12_000_000),
        MAX_MODEL_BYTES: String(200 * 1024 * 1024),
        GRADING_SPECS_DIR: specs,
        RERUN_DEVICE: 'cpu',
        RUNNER_THREADS: '2',
      },
    });
    await api.app.listen(port, '127.0.0.1');
    const instructor = await api.sessionFor(INSTRUCTOR, 'instructor');
    const roster = await api.http
      .post('/api/roster')
      .set('Authorization', `Bearer ${instructor}`)
      .attach(
        'file',
        Buffer.from(
          `Student,ID,SIS User ID,SIS Login ID,Section\n"Student, Jane",104233,S1,${JANE},001\n"Okafor, Marcus",104251,S2,${MARCUS},002\n"Khan, Aisha",104301,S3,${AISHA},002\n`,
        ),
        'roster.csv',
      );
    expect(roster.status).toBe(200);
    await api.sessionFor(TA, 'ta');
    const variants = { [JANE]: 'good', [MARCUS]: 'seed42', [AISHA]: 'parityFailure' } as const;
    await Promise.all(
      Object.entries(variants).map(async ([email, variant]) => {
        const token = await api.sessionFor(email, 'student');
        const bytes = Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS[variant])));
        const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${token}`).attach('file', bytes, 'Class_06_2.ipynb');
        expect(upload.status).toBe(202);
        const done = await api.waitUntilProcessed(upload.body.submissionId, token, 60_000);
        expect(done.status).toBe('graded');
        submissions[email] = upload.body.submissionId;
      }),
    );
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    if (specs) await rm(specs, { recursive: true, force: true });
  });

  /** A fresh browser session signed in through the sign-in page with a token from the fake Google. */
  async function signIn(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // No internet here: Google's sign-in script is refused at once instead of timing out.
    await context.route(/accounts\.google\.com/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    await page.locator('details summary').click();
    await page.fill('input[name=idToken]', api.google.mintIdToken({ email, audience: WEB_CLIENT_ID }));
    await page.click('#signin-form button[type=submit]');
    await page.waitForURL((url) => url.pathname !== '/');
    return page;
  }

  /**
   * Polls a browser-side expression from here: waitForFunction would evaluate it with `new Function`
   * inside the page, which the pages' Content-Security-Policy forbids.
   */
  async function until(page: Page, expression: string, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A page that reloads itself (accept, re-grade progress) destroys the context mid-poll: poll again.
    const probe = () => page.evaluate(expression).catch((error: Error) => {
      if (/Execution context was destroyed|navigation/i.test(error.message)) return false;
      throw error;
    });
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`${what}: not there after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('instructor: matrix with charts, filter by seed_is_42, override a check with a reason, see audit and new total', async () => {
    const page = await signIn(INSTRUCTOR);
    expect(new URL(page.url()).pathname).toBe('/staff/assignments/class_06_2');
    await expect(page.locator('#matrix tbody tr').count()).resolves.toBe(3);
    // Both charts drawn by Chart.js (a browser-side expression: this file has no DOM types).
    await until(page, "Boolean(window.Chart && Chart.getChart('chart-scores') && Chart.getChart('chart-pass'))", 'the overview charts');
    await shot(page, 'matrix');
    // The export link works with the page's session cookie.
    const csv = await page.context().request.get(`${base}${await page.locator('#export-canvas').getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    // The roster came before the first upload created the assignment: the students still count as enrolled.
    const exported = await csv.text();
    expect(exported).toMatch(/^Student,ID,SIS User ID,SIS Login ID,Section,"BIO 1173 Class 06\.2/);
    expect(exported).toMatch(/^"Student, Jane",104233,S1,jane\.student@gmail\.com,001,100$/m);

    await page.selectOption('select[name=flag]', 'seed_is_42');
    await page.click('#matrix-filter button[type=submit]');
    await page.waitForURL(/flag=seed_is_42/);
    const rows = page.locator('#matrix tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().getAttribute('data-email')).resolves.toBe(MARCUS);
    await expect(rows.first().locator('.badge').allTextContents()).resolves.toContain('seed_is_42');

    await rows.first().locator('a').first().click();
    await page.waitForURL(`${base}/staff/submissions/${submissions[MARCUS]}`);
    await expect(page.locator('.nb-cell img').count()).resolves.toBeGreaterThan(0);
    await page.locator('.nb-cell').filter({ has: page.locator('img') }).first().screenshot({ path: join(SCREENSHOTS, 'submission-figure.png') });
    const before = Number(await page.locator('#total').textContent());
    const check = page.locator('.check.fail').filter({ has: page.locator('form.override') }).first();
    const checkId = await check.getAttribute('data-check');
    const points = Number(await check.locator('.effective-points').textContent());
    const max = Number(await check.locator('input[name=points]').getAttribute('max'));
    expect(max).toBeGreaterThan(points);
    await check.locator('input[name=points]').fill(String(max));
    await check.locator('input[name=reason]').fill('Checked by hand: the printed values match the seed used');
    await check.locator('form.override button').click();
    await page.waitForSelector('#audit tbody tr');
    await expect(page.locator('#total').textContent()).resolves.toBe(String(before + max - points));
    await expect(page.locator('#original-total').textContent()).resolves.toContain(String(before));
    const audit = await page.locator('#audit').textContent();
    expect(audit).toContain('override.create');
    expect(audit).toContain('Checked by hand');
    await expect(page.locator(`.check[data-check="${checkId}"] .struck`).textContent()).resolves.toBe(String(points));
    // The Gradescope export is one link away, and carries the score with the override applied.
    const gradescope = await page.context().request.get(`${base}${await page.locator('#export-gradescope').getAttribute('href')}`);
    expect(gradescope.status()).toBe(200);
    expect((await gradescope.json()).score).toBe(before + max - points);
    await shot(page, 'submission-instructor');
    // The full page is tens of thousands of pixels: also the head and the overridden exercise.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'submission-instructor-top.png') });
    await page.locator('.nb-row').filter({ has: page.locator(`.check[data-check="${checkId}"]`) }).screenshot({ path: join(SCREENSHOTS, 'submission-exercise.png') });
    await page.context().close();
  });

  // The rerun consumer runs in-process; no model files were handed in, so the job ends at once with
  // its recorded 'no-model' outcome (a re-run on real weights is test/api/rerun.e2e.spec.ts's business).
  it('instructor: re-grade the class from the pages, see old beside new, accept', async () => {
    const page = await signIn(INSTRUCTOR);
    await page.click('#regrades-link');
    await page.click('#start-regrade');
    await page.waitForURL(/\/staff\/assignments\/class_06_2\/regrades\/[0-9a-f-]{36}$/);
    // The page reloads itself while the class is evaluated.
    for (let i = 0; i < 60 && (await page.locator('#regrade-summary').getAttribute('data-status')) === 'evaluating'; i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    expect(await page.locator('#regrade-summary').getAttribute('data-status')).toBe('pending');
    await expect(page.locator('#regrade-items tbody tr').count()).resolves.toBe(3);
    await shot(page, 'regrade');
    await Promise.all([page.waitForNavigation(), page.click('#accept-regrade')]);
    await until(page, "document.getElementById('regrade-summary').dataset.status === 'accepted'", 'the re-grade to be accepted', 20_000);
    await page.context().close();
  });

  it('TA: no override forms; re-run failed checks and watch the job until it ends', async () => {
    const page = await signIn(TA);
    await page.goto(`${base}/staff/submissions/${submissions[AISHA]}`);
    await expect(page.locator('form.override').count()).resolves.toBe(0);
    await page.click('button[data-rerun]:not([data-check])');
    const status = page.locator('#rerun-status');
    await until(page, "['completed', 'failed'].includes(document.getElementById('rerun-status').dataset.state)", 'the re-run job ending', 30_000);
    await expect(status.textContent()).resolves.toMatch(/^Re-run job completed .*"outcome":"no-model"/);
    await page.screenshot({ path: join(SCREENSHOTS, 'submission-ta-rerun.png') });
    // The recorded re-run shows on the page: no model files were handed in, said as the student's missing input.
    await page.reload();
    await expect(page.locator('#reruns').textContent()).resolves.toMatch(/failed[\s\S]*no weights \(\.pth\) were handed in with this submission/);
    const [job] = await api.sql<{ data: { jobId: string } }>(`SELECT data FROM "AuditEvent" WHERE action = 'rerun.request' AND actor = $1`, [TA]);
    expect(job.data.jobId).toContain(submissions[AISHA]);
    // The class page's re-run plots count it: one re-run (no device time: nothing ran), and the
    // queue's history rebuilt from Bull's own job records shows it came and went.
    await page.goto(`${base}/staff/assignments/class_06_2`);
    await expect(page.locator('#rerun-queue-now').textContent()).resolves.toMatch(/0 waiting · 0 running[\s\S]*GPU time used by this assignment's re-runs: 0 min; CPU re-runs: 0 min; 1 re-runs/);
    const history = JSON.parse((await page.locator('#chart-data').textContent())!).activity.rerunQueue.history as { waiting: number }[];
    expect(history[0].waiting).toBe(1);
    expect(history.at(-1)!.waiting).toBe(0);
    await shot(page, 'matrix-after-rerun');
    await page.context().close();
  });

  it('TA: a re-run on the student\'s own model shows its latency with intervals and the measured confusion matrices', async () => {
    const jane = await api.sessionFor(JANE, 'student');
    const stored = await api.http.post(`/api/submissions/${submissions[JANE]}/model`).set('Authorization', `Bearer ${jane}`)
      .attach('weights', await readFile(models.files.honest), 'ResNet101_model_512.pth')
      .attach('onnx', await readFile(models.files.onnx), 'ResNet101_model_512.onnx');
    expect(stored.status).toBe(201);
    const page = await signIn(TA);
    await page.goto(`${base}/staff/submissions/${submissions[JANE]}`);
    // Jane's grade has nothing failed: the TA re-runs the whole submission through the API.
    const ta = await api.sessionFor(TA, 'ta');
    const requested = await api.http.post(`/api/submissions/${submissions[JANE]}/rerun`).set('Authorization', `Bearer ${ta}`).send({ checkIds: ['ex5.max_difference'] });
    expect(requested.status).toBe(202);
    await page.reload();
    for (let i = 0; i < 240 && (await page.locator('#reruns .rerun').count()) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await page.reload();
    }
    const panel = page.locator('#reruns .rerun').first();
    await expect(panel.textContent()).resolves.toMatch(/succeeded[\s\S]*CPUExecutionProvider/);
    // Chart.js drew the latency: both engines, with the median's interval as its own dataset.
    await until(page, "document.querySelector('#reruns canvas[data-latency-chart]') && window.Chart.getChart(document.querySelector('#reruns canvas[data-latency-chart]'))", 'the latency chart', 10_000);
    const chart = (await page.evaluate(
      "(() => { const c = window.Chart.getChart(document.querySelector('#reruns canvas[data-latency-chart]')); return { labels: c.data.labels, sets: c.data.datasets.map((d) => d.label) }; })()",
    )) as { labels: string[]; sets: string[] };
    expect(chart.labels).toEqual([expect.stringMatching(/^PyTorch \(CPU, .*\), \d+ runs$/), expect.stringMatching(/^ONNX Runtime \(CPU EP\), \d+ runs$/)]);
    expect(chart.sets).toEqual(['p50', '95% interval of the median', 'p95', 'p99']);
    // PyTorch's matrix and one per ONNX model (ours and the student's), drawn from the predictions.
    await expect(panel.locator('table.confusion caption').allTextContents()).resolves.toEqual([
      'PyTorch', 'ONNX Runtime, our export', "ONNX Runtime, the student's ONNX",
    ]);
    const cells = (await panel.locator('table.confusion').first().locator('tbody td').allTextContents()).map(Number);
    expect(cells.reduce((sum, n) => sum + n, 0)).toBe(100); // the spec's 100 seeded samples
    await panel.screenshot({ path: join(SCREENSHOTS, 'submission-rerun-measured.png') });
    await page.context().close();
  }, 180_000);

  it('student: sees only their own attempts and hints, and is refused staff pages', async () => {
    const page = await signIn(MARCUS);
    expect(new URL(page.url()).pathname).toBe('/me');
    const attempts = page.locator('#my-attempts tbody tr');
    await expect(attempts.count()).resolves.toBe(1);
    await expect(page.locator('#pending-grade').textContent()).resolves.toMatch(/96 \/ 100/);
    await expect(page.locator('#pending-grade .small b').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('a[href="/submit.py"]').count()).resolves.toBe(1);
    const body = await page.locator('main').textContent();
    expect(body).not.toContain(JANE);
    expect(body).not.toContain(AISHA);
    await shot(page, 'student');

    const refused = await page.goto(`${base}/staff/assignments/class_06_2`);
    expect(refused?.status()).toBe(403);
    await expect(page.locator('#error-message').textContent()).resolves.toMatch(/ta or instructor/);
    const other = await page.goto(`${base}/staff/submissions/${submissions[JANE]}`);
    expect(other?.status()).toBe(403);
    await page.context().close();
  });

  it('sends the signed-out visitor to the sign-in page, and back to the page asked for after sign-in', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.route(/accounts\.google\.com/, (route) => route.abort());
    const page = await context.newPage();
    const wanted = `/staff/submissions/${submissions[JANE]}`;
    await page.goto(`${base}${wanted}`, { waitUntil: 'domcontentloaded' });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(new URL(page.url()).searchParams.get('next')).toBe(wanted);
    await shot(page, 'sign-in');
    await page.locator('details summary').click();
    await page.fill('input[name=idToken]', api.google.mintIdToken({ email: 'stranger@gmail.com', audience: WEB_CLIENT_ID }));
    await page.click('#signin-form button[type=submit]');
    // Someone Google knows but the course does not: told why, and still on the sign-in page.
    await page.waitForSelector('#signin-error:has-text("not on this course\'s roster")');
    await page.fill('input[name=idToken]', api.google.mintIdToken({ email: TA, audience: WEB_CLIENT_ID }));
    await page.click('#signin-form button[type=submit]');
    await page.waitForURL(`${base}${wanted}`);
    await expect(page.locator('main > h1').textContent()).resolves.toContain('Student, Jane');
    await context.close();
  });

  it('a PDF hand-in shows the printed text cell by cell with its page, and the attempts differ', async () => {
    // Jane's second attempt: her notebook printed to PDF (nbconvert + chromium, cached under test/.cache/pdf).
    const jane = await api.sessionFor(JANE, 'student');
    const pdf = await printNotebookToPdf(buildSubmission(FIXTURE_VARIANTS.good));
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).attach('file', pdf, 'Class_06_2.pdf');
    expect(upload.status).toBe(202);
    expect((await api.waitUntilProcessed(upload.body.submissionId, jane, 60_000)).status).toBe('graded');

    const page = await signIn(TA);
    await page.goto(`${base}/staff/submissions/${upload.body.submissionId}`);
    await expect(page.locator('.nb-cell .prompt').filter({ hasText: 'page 1' }).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.nb-cell pre').filter({ hasText: JANE }).count()).resolves.toBeGreaterThan(0);
    const attempts = page.locator('#attempts tbody tr');
    await expect(attempts.count()).resolves.toBe(2);
    await expect(attempts.nth(1).textContent()).resolves.toContain('(this)');
    // Each exercise's segment of the print is marked, with its pages, and the index links to it.
    const index = await page.locator('#segment-index').textContent();
    expect(index).toMatch(/Exercise segments: Ex 1 \(pp?\. \d+(–\d+)?\)/);
    expect(index).toContain('Ex 10');
    await expect(page.locator('#segment-ex-5 .segment-label').textContent()).resolves.toMatch(/^Exercise 5 \(pp?\. \d+/);
    await expect(page.locator('#segment-ex-5 + *, #segment-ex-5').locator('#exercise-5').count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'submission-pdf.png') });
    await page.locator('#segment-ex-5').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'submission-pdf-exercise-5.png') });
    await page.context().close();
  });
});
