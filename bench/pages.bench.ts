/**
 * The class page in a real browser for a class of 300 students (the same class as the review bench:
 * two sections, second attempts, overrides, a few students with nothing handed in), served by the
 * whole application (api harness: real Postgres and Redis). Measures
 * - the server: GET /staff/assignments/class_06_2 (matrix, charts' data, re-run activity) p50/p95;
 * - Debian's chromium: from navigation to the table and all five charts drawn, unfiltered and
 *   filtered by flag, p50/p95 over repeated loads.
 *
 * Nothing runs at import; call benchPages(). Needs Postgres, Redis and /usr/bin/chromium.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PrismaService } from '../src/database/database.module.js';
import { SubmissionGrader } from '../src/grading/submission-grader.js';
import { startApi } from '../test/support/api-harness.js';
import { seed, summarizeTimings, timed, type EndpointTiming } from './review.bench.js';

const LOADS = 15;

export interface PagesBenchResult {
  students: number;
  attempts: number;
  server: EndpointTiming;
  browser: { unfiltered: BrowserTiming; filtered: BrowserTiming & { rows: number } };
}

interface BrowserTiming {
  p50Ms: number;
  p95Ms: number;
  rows: number;
}

export async function benchPages(students = 300): Promise<PagesBenchResult> {
  const api = await startApi({ label: 'bench_pages' });
  const dir = await mkdtemp(join(tmpdir(), 'bench-pages-'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  try {
    const prisma = api.app.get(PrismaService, { strict: false }).prisma;
    const grader = api.app.get(SubmissionGrader, { strict: false });
    const { attempts } = await seed({ dir, prisma }, grader, students);
    await api.app.listen(0, '127.0.0.1');
    const base = await api.app.getUrl();
    const token = await api.sessionFor('prof.lee@utsa.edu', 'instructor');
    const path = '/staff/assignments/class_06_2';
    const server = await timed(`${base}${path}`, { Authorization: `Bearer ${token}` });

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const { hostname } = new URL(base);
    await context.addCookies([{ name: 'grader_session', value: token, domain: hostname, path: '/' }]);
    const page = await context.newPage();
    const load = async (url: string): Promise<BrowserTiming> => {
      const durations: number[] = [];
      let rows = 0;
      for (let i = 0; i < LOADS + 2; i++) {
        const started = performance.now();
        await page.goto(url, { waitUntil: 'load' });
        // Chart.js draws on load; the page is usable once all five charts exist.
        await page.waitForFunction('Object.keys(window.Chart.instances).length === 5');
        if (i >= 2) durations.push(performance.now() - started); // the first loads warm caches
        rows = await page.locator('#matrix tbody tr').count();
      }
      const { p50Ms, p95Ms } = summarizeTimings(durations);
      return { p50Ms, p95Ms, rows };
    };
    const unfiltered = await load(`${base}${path}`);
    const filtered = await load(`${base}${path}?flag=seed_is_42&sort=score&order=desc`);
    if (unfiltered.rows !== students) throw new Error(`the page showed ${unfiltered.rows} rows for ${students} students`);
    return { students, attempts, server, browser: { unfiltered, filtered } };
  } finally {
    await browser.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  }
}

