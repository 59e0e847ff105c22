/**
 * The service against a hostile student (issue #13), end to end: the real api with its worker
 * in-process, Postgres, Redis and the fake Google. Each case is an attack that worked before.
 */
import { readdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, PUBLIC_BASE_URL, startApi, WEB_CLIENT_ID } from '../support/api-harness.js';
import { printNotebookToPdf } from '../support/print-pdf.js';

const INSTRUCTOR = 'prof.lee@utsa.edu';
const TA = 'sam.ta@utsa.edu';
const JANE = 'jane.student@gmail.com';
const MARCUS = 'marcus.okafor22@gmail.com';

const good = Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.good)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RawResponse {
  status: number;
  body: string;
}

describe('a hostile student', () => {
  let api: ApiHarness;
  let port: number;
  let jane: string;
  let marcus: string;
  let instructor: string;
  let janeSubmission: string;

  beforeAll(async () => {
    api = await startApi({
      label: 'hostile',
      worker: true,
      env: { INITIAL_INSTRUCTORS: INSTRUCTOR, SESSION_RECHECK_SECONDS: '1', MAX_UPLOAD_BYTES: String(12_000_000), MAX_MODEL_BYTES: String(200 * 1024 * 1024) },
    });
    await api.app.listen(0, '127.0.0.1');
    port = (api.app.getHttpServer().address() as AddressInfo).port;
    instructor = await api.sessionFor(INSTRUCTOR, 'instructor');
    jane = await api.sessionFor(JANE, 'student');
    marcus = await api.sessionFor(MARCUS, 'student');
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).attach('file', good, 'Class_06_2.ipynb');
    expect(upload.status).toBe(202);
    janeSubmission = upload.body.submissionId;
    await api.waitUntilProcessed(janeSubmission, jane);
  });

  afterAll(async () => {
    // Nothing half-uploaded stays behind.
    const left = api ? await incoming() : [];
    await api?.close();
    expect(left).toEqual([]);
  });

  /** Web sign-in as a browser does it: the session cookie, and the CSRF token the pages send back. */
  async function browserSession(email: string): Promise<{ cookie: string; csrfToken: string | undefined }> {
    const response = await api.http.post('/api/auth/google').send({ idToken: api.google.mintIdToken({ email, audience: WEB_CLIENT_ID }) });
    expect(response.status).toBe(200);
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('grader_session='))!.split(';')[0];
    return { cookie, csrfToken: response.body.csrfToken };
  }

  /** One HTTP request written by hand (no client library adds or fixes anything). */
  function raw(head: string, body: Buffer | null, options: { waitMs?: number; keepSending?: boolean } = {}): Promise<RawResponse | null> {
    return new Promise((resolve, reject) => {
      const [requestLine, ...headerLines] = head.split('\n');
      const [method, path] = requestLine.split(' ');
      const headers: Record<string, string> = { Host: `127.0.0.1:${port}`, Connection: 'close' };
      for (const line of headerLines) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      const call = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false });
      let timer: NodeJS.Timeout | null = null;
      call.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (timer) clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          call.destroy();
        });
      });
      call.on('error', (error) => (timer ? resolve(null) : reject(error)));
      if (body) call.write(body);
      if (options.keepSending) {
        // The rest of a large body is never sent: the answer must come without it.
        timer = setTimeout(() => {
          call.destroy();
          resolve(null);
        }, options.waitMs ?? 5_000);
      } else {
        call.end();
      }
    });
  }

  const incoming = () => readdir(`${api.config.grader.fileStoreDir}/incoming`).catch(() => [] as string[]);

  describe('cross-site request forgery (item 2)', () => {
    const evilRoster = Buffer.from('Name,Email,Role\nMallory,mallory@evil.example,instructor\n');

    it('refuses a no-cors multipart POST to /api/roster from a sibling origin carried by the instructor\'s cookie', async () => {
      const { cookie } = await browserSession(INSTRUCTOR);
      for (const [origin, site] of [
        ['https://grader.example.edu:8443', 'same-site'],
        ['https://files.example.edu', 'same-site'],
        ['null', 'cross-site'],
      ]) {
        const response = await api.http.post('/api/roster').set('Cookie', cookie).set('Origin', origin).set('Sec-Fetch-Site', site)
          .set('Sec-Fetch-Mode', 'no-cors').attach('file', evilRoster, 'roster.csv');
        expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
        expect(response.body.message).toMatch(/cross-site request refused/);
      }
      // Only Sec-Fetch-Site (no Origin), and only a wrong Origin: each alone is enough to refuse.
      const bySite = await api.http.post('/api/roster').set('Cookie', cookie).set('Sec-Fetch-Site', 'same-site').attach('file', evilRoster, 'r.csv');
      expect(bySite.status).toBe(403);
      const byOrigin = await api.http.post('/api/roster').set('Cookie', cookie).set('Origin', 'http://127.0.0.1:9999').attach('file', evilRoster, 'r.csv');
      expect(byOrigin.status).toBe(403);
      expect(await api.sql(`SELECT role FROM "Person" WHERE email = 'mallory@evil.example'`)).toEqual([]);
    });

    it('refuses a plain form POST that would start a class re-grade, and a cookie request without the CSRF token', async () => {
      const { cookie } = await browserSession(INSTRUCTOR);
      const form = await api.http.post('/api/assignments/class_06_2/regrade').set('Cookie', cookie)
        .set('Origin', 'https://evil.example.edu').set('Content-Type', 'application/x-www-form-urlencoded').send('a=1');
      expect(form.status).toBe(403);
      // No Origin, no Sec-Fetch-Site (an old browser, a proxy that strips them): the token is still required.
      const tokenless = await api.http.post('/api/assignments/class_06_2/regrade').set('Cookie', cookie)
        .set('Content-Type', 'application/x-www-form-urlencoded').send('a=1');
      expect(tokenless.status).toBe(403);
      expect(tokenless.body.message).toMatch(/CSRF token/);
      const wrong = await api.http.post('/api/assignments/class_06_2/regrade').set('Cookie', cookie).set('X-CSRF-Token', 'A'.repeat(43)).send({});
      expect(wrong.status).toBe(403);
      expect(await api.sql('SELECT id FROM "RegradeRun"')).toEqual([]);
    });

    it('accepts the pages\' own requests (same origin, the session\'s token) and bearer-token API calls as before', async () => {
      const { cookie, csrfToken } = await browserSession(INSTRUCTOR);
      expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      // The pages ask for it with the cookie alone (GET is safe); a stranger's page cannot read the answer.
      const asked = await api.http.get('/api/auth/csrf').set('Cookie', cookie);
      expect(asked.status).toBe(200);
      expect(asked.body).toEqual({ csrfToken });
      const roster = Buffer.from('Name,Email\nSam TA,sam.ta@utsa.edu\n');
      const same = await api.http.post('/api/roster').set('Cookie', cookie).set('Origin', PUBLIC_BASE_URL).set('Sec-Fetch-Site', 'same-origin')
        .set('X-CSRF-Token', csrfToken!).attach('file', roster, 'roster.csv');
      expect(same.status).toBe(200);
      // Another session's token does not fit this session.
      const other = await browserSession(INSTRUCTOR);
      const swapped = await api.http.post('/api/roster').set('Cookie', cookie).set('X-CSRF-Token', other.csrfToken!).attach('file', roster, 'r.csv');
      expect(swapped.status).toBe(403);
      const bearer = await api.http.post('/api/roster').set('Authorization', `Bearer ${instructor}`).attach('file', roster, 'roster.csv');
      expect(bearer.status).toBe(200);
    });
  });

  it('stores no byte of a model upload before checking that the caller owns the submission (item 4)', async () => {
    const boundary = 'x-hostile-boundary';
    const huge = 100 * 1024 * 1024;
    const start = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="weights"; filename="w.pth"\r\nContent-Type: application/octet-stream\r\n\r\nPK\u0003\u0004`);
    for (const target of [janeSubmission, '0190a000-0000-7000-8000-000000000000']) {
      const answer = raw(
        [`POST /api/submissions/${target}/model`, `Authorization: Bearer ${marcus}`, `Content-Type: multipart/form-data; boundary=${boundary}`, `Content-Length: ${huge}`].join('\n'),
        Buffer.concat([start, Buffer.alloc(256 * 1024, 1)]),
        { keepSending: true, waitMs: 5_000 },
      );
      // While the request is still open, nothing of it lies in the upload folder.
      await sleep(300);
      expect(await incoming()).toEqual([]);
      const response = await answer;
      expect(response?.status).toBe(404);
    }
    expect(await api.sql('SELECT id FROM "ModelFile"')).toEqual([]);
  });

  it('closes and removes what a multipart upload cut off before its closing boundary left (item 3)', async () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    const boundary = 'x-cut-boundary';
    const cut = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.ipynb"\r\nContent-Type: application/x-ipynb+json\r\n\r\n` +
        good.subarray(0, 4096).toString('utf8'),
    );
    const send = () =>
      raw([`POST /api/submissions`, `Authorization: Bearer ${jane}`, `Content-Type: multipart/form-data; boundary=${boundary}`, `Content-Length: ${cut.length}`].join('\n'), cut);
    // Warm up (first requests open what the process keeps: pools, modules), then measure.
    for (const response of await Promise.all(Array.from({ length: 4 }, send))) expect(response?.status).toBe(400);
    await sleep(200);
    const before = fds();
    for (let round = 0; round < 20; round++) {
      const answers = await Promise.all(Array.from({ length: 10 }, send));
      for (const response of answers) expect(response?.status).toBe(400);
    }
    await sleep(300);
    expect(await incoming()).toEqual([]);
    expect(fds() - before).toBeLessThan(20);
    // The process still takes a whole upload.
    const fine = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).attach('file', good, 'again.ipynb');
    expect(fine.status).toBe(202);
  });

  describe('roles and logout take effect within the re-check interval (item 6)', () => {
    it('a demoted TA loses staff access', async () => {
      const ta = await api.sessionFor(TA, 'ta');
      const before = await api.http.get('/api/assignments/class_06_2/matrix').set('Authorization', `Bearer ${ta}`);
      expect(before.status).toBe(200);
      await api.sessionFor(TA, 'student');
      await sleep(1_200);
      const after = await api.http.get('/api/assignments/class_06_2/matrix').set('Authorization', `Bearer ${ta}`);
      expect(after.status).toBe(403);
    });

    it('a logged-out token and cookie stop working', async () => {
      const token = await api.sessionFor(JANE, 'student');
      expect((await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      const out = await api.http.post('/api/auth/logout').set('Authorization', `Bearer ${token}`);
      expect(out.status).toBe(204);
      const mine = await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${token}`);
      expect(mine.status).toBe(401);
      // Jane's other sessions are hers to end: the one in the harness still works.
      expect((await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${jane}`)).status).toBe(200);

      const { cookie, csrfToken } = await browserSession(JANE);
      expect((await api.http.get('/api/auth/me').set('Cookie', cookie)).status).toBe(200);
      expect((await api.http.post('/api/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', csrfToken!)).status).toBe(204);
      expect((await api.http.get('/api/auth/me').set('Cookie', cookie)).status).toBe(401);
      // The sign-in page shows itself for a signed-out cookie (no redirect loop to /me).
      expect((await api.http.get('/').set('Cookie', cookie)).status).toBe(200);
    });

    it('a person removed from the database loses access', async () => {
      const token = await api.sessionFor('gone.student@gmail.com', 'student');
      expect((await api.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      await api.sql(`DELETE FROM "Person" WHERE email = 'gone.student@gmail.com'`);
      await sleep(1_200);
      expect((await api.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    });
  });

  it('does not tell a student that another student handed in the same bytes (item 7)', async () => {
    const copied = await api.http.post('/api/submissions').set('Authorization', `Bearer ${marcus}`).attach('file', good, 'mine.ipynb');
    const text = JSON.stringify(copied.body);
    expect(text).not.toMatch(/another student|already submitted|someone else|other student/i);
    expect(text).not.toContain(janeSubmission);
    // Staff still see it.
    const audit = await api.sql<{ actor: string }>(`SELECT actor FROM "AuditEvent" WHERE action = 'submission.duplicate_of_other_student'`);
    expect(audit).toEqual([{ actor: MARCUS }]);
  });

  it('serves a PDF\'s staff page from the reading stored at grading time, never reading the PDF again (item 5)', async () => {
    const pdf = await printNotebookToPdf(buildSubmission(FIXTURE_VARIANTS.good));
    const upload = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).attach('file', pdf, 'Class_06_2.pdf');
    expect(upload.status).toBe(202);
    const done = await api.waitUntilProcessed(upload.body.submissionId, jane, 60_000);
    expect(done.status).toBe('graded');
    const ta = await api.sessionFor(TA, 'ta');
    const view = () => api.http.get(`/staff/submissions/${upload.body.submissionId}`).set('Authorization', `Bearer ${ta}`);
    const first = await view();
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/page 1/);
    expect(first.text).toContain(JANE);
    // The PDF itself is no longer there to read: the page is the same, from what grading stored.
    const [{ sha256 }] = await api.sql<{ sha256: string }>('SELECT sha256 FROM "Submission" WHERE id = $1', [upload.body.submissionId]);
    await rm(join(api.config.grader.fileStoreDir, sha256.slice(0, 2), sha256));
    const second = await view();
    expect(second.status).toBe(200);
    expect(second.text).not.toMatch(/cannot be read/);
    expect(second.text).toMatch(/page 1/);
    expect(second.text).toContain(JANE);
  });

  it('refuses an ID token whose header names another algorithm than RS256, even when RS256-signed (item 8)', async () => {
    const genuine = api.google.mintIdToken({ email: JANE, audience: WEB_CLIENT_ID });
    expect((await api.http.post('/api/auth/google').send({ idToken: genuine })).status).toBe(200);
    for (const alg of ['HS256', 'none', 'RS512', 'ES256']) {
      // Signed with Google's RS256 key: only the header's word differs.
      const relabelled = api.google.mintIdToken({ email: JANE, audience: WEB_CLIENT_ID, headerAlg: alg });
      const response = await api.http.post('/api/auth/google').send({ idToken: relabelled });
      expect({ alg, status: response.status }).toEqual({ alg, status: 401 });
      expect(response.body.message).toMatch(/RS256/);
    }
  });
});

describe('per-person quotas on hand-ins (item 5)', () => {
  let api: ApiHarness;
  // Different hand-ins of about one size (only the seed differs).
  const notebooks = [0, 1, 7, 42, 123, 31337].map((seed) => Buffer.from(notebookText(buildSubmission({ ...FIXTURE_VARIANTS.good, seed }))));
  const size = Math.max(...notebooks.map((bytes) => bytes.length));

  beforeAll(async () => {
    // No worker: hand-ins stay `received` (in flight) until a test says they are graded.
    api = await startApi({
      label: 'quota',
      env: { MAX_GRADES_IN_FLIGHT_PER_USER: '2', UPLOAD_QUOTA_BYTES_PER_DAY: String(Math.floor(size * 2.5)) },
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  const upload = (token: string, bytes: Buffer) => api.http.post('/api/submissions').set('Authorization', `Bearer ${token}`).attach('file', bytes, 'Class_06_2.ipynb');

  it('refuses (429) a third hand-in while two wait to be graded, and bytes beyond the daily quota; others are not held back', async () => {
    const jane = await api.sessionFor(JANE, 'student');
    const marcus = await api.sessionFor(MARCUS, 'student');
    expect((await upload(jane, notebooks[0])).status).toBe(202);
    expect((await upload(jane, notebooks[1])).status).toBe(202);
    const third = await upload(jane, notebooks[2]);
    expect(third.status).toBe(429);
    expect(third.body.message).toMatch(/2 of your hand-ins are still waiting to be graded \(at most 2 at once\)/);

    // Marcus: graded one by one, so only the bytes count.
    const graded = () => api.sql(`UPDATE "Submission" SET status = 'graded' WHERE "personId" = (SELECT id FROM "Person" WHERE email = $1)`, [MARCUS]);
    expect((await upload(marcus, notebooks[3])).status).toBe(202);
    await graded();
    expect((await upload(marcus, notebooks[4])).status).toBe(202);
    await graded();
    const over = await upload(marcus, notebooks[5]);
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/^upload quota reached: .* handed in over the last 24 hours/);
    expect(await api.sql(`SELECT count(*)::int AS n FROM "Submission"`)).toEqual([{ n: 4 }]);
    expect(await readdir(`${api.config.grader.fileStoreDir}/incoming`)).toEqual([]);
  });
});
