/**
 * Model files count against the daily upload bytes hand-ins use (issue #13, per-user quotas on upload
 * bytes), end to end: the real api (no worker), Postgres, Redis, the fake Google. A student at the
 * limit, or whose upload would pass it, is refused before anything is stored: by the declared length
 * before the body is read, and by the bytes themselves when no length is declared.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from '../fixtures/submissions.js';
import { type ApiHarness, startApi } from '../support/api-harness.js';
import { formatBytes } from '../../src/ingest/submission.reader.js';

const JANE = 'jane.student@gmail.com';
const MARCUS = 'marcus.okafor22@gmail.com';
const KB = 1024;

const notebooks = [0, 1, 7].map((seed) => Buffer.from(notebookText(buildSubmission({ ...FIXTURE_VARIANTS.good, seed }))));
const handInSize = Math.max(...notebooks.map((bytes) => bytes.length));
/** Room for one hand-in and 200 KB of model files a day. */
const QUOTA = handInSize + 200 * KB;

/** A PyTorch weights file as the classifier sees it (a zip archive's first bytes), `size` bytes long. */
const weights = (size: number) => Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), randomBytes(size - 4)]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('model files count against the daily upload quota (issue #13)', () => {
  let api: ApiHarness;
  let port: number;
  let jane: string;
  let marcus: string;
  let janeSubmission: string;

  beforeAll(async () => {
    api = await startApi({ label: 'modelquota', env: { UPLOAD_QUOTA_BYTES_PER_DAY: String(QUOTA), MAX_MODEL_BYTES: String(50 * 1024 * KB) } });
    await api.app.listen(0, '127.0.0.1');
    port = (api.app.getHttpServer().address() as AddressInfo).port;
    jane = await api.sessionFor(JANE, 'student');
    marcus = await api.sessionFor(MARCUS, 'student');
    janeSubmission = await handIn(jane, notebooks[0]);
  });

  afterAll(async () => {
    await api?.close();
  });

  async function handIn(token: string, bytes: Buffer): Promise<string> {
    const response = await api.http.post('/api/submissions').set('Authorization', `Bearer ${token}`).field('assignment', 'class_06_2').attach('file', bytes, 'Class_06_2.ipynb');
    expect(response.status).toBe(202);
    return response.body.submissionId;
  }

  const uploadModel = (token: string, submissionId: string, bytes: Buffer, field = 'weights') =>
    api.http.post(`/api/submissions/${submissionId}/model`).set('Authorization', `Bearer ${token}`).attach(field, bytes, 'model.pth');

  const incoming = () => readdir(`${api.config.grader.fileStoreDir}/incoming`).catch(() => [] as string[]);
  const modelRows = async () => (await api.sql<{ n: number }>('SELECT count(*)::int AS n FROM "ModelFile"'))[0].n;
  const stored = (bytes: Buffer) => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return existsSync(`${api.config.grader.fileStoreDir}/${sha256.slice(0, 2)}/${sha256}`);
  };

  /**
   * A multipart model upload by hand: `declared` as its Content-Length (null: chunked, no length);
   * `body` is sent, and with a declared length the rest never is.
   */
  function raw(token: string, submissionId: string, body: Buffer, declared: number | null, waitMs = 5_000): Promise<{ status: number; body: string } | null> {
    return new Promise((resolve) => {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'multipart/form-data; boundary=x-quota-boundary',
        Connection: 'close',
      };
      if (declared !== null) headers['Content-Length'] = String(declared);
      const call = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/api/submissions/${submissionId}/model`, headers, agent: false });
      const timer = setTimeout(() => {
        call.destroy();
        resolve(null);
      }, waitMs);
      call.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          call.destroy();
        });
      });
      // The server may answer and close before the body is all sent: the answer is what counts.
      call.on('error', () => undefined);
      call.write(body);
      if (declared === null) call.end();
    });
  }
  const part = (bytes: Buffer) =>
    Buffer.concat([Buffer.from('--x-quota-boundary\r\nContent-Disposition: form-data; name="weights"; filename="w.pth"\r\nContent-Type: application/octet-stream\r\n\r\n'), bytes]);

  it('takes model files within the day, then refuses (429, naming the limit) what would pass it, before storing a byte', async () => {
    const first = weights(150 * KB);
    const fine = await uploadModel(jane, janeSubmission, first);
    expect(fine.status).toBe(201);
    expect(await modelRows()).toBe(1);

    // 100 KB more would pass the day (150 of 200 KB used): refused on its declared length while it is
    // still being sent, and nothing of it lies in the upload folder meanwhile.
    const answer = raw(jane, janeSubmission, part(weights(32 * KB)), 100 * KB + 300, 5_000);
    await sleep(300);
    expect(await incoming()).toEqual([]);
    const refused = await answer;
    expect(refused?.status).toBe(429);
    const message = JSON.parse(refused!.body).message as string;
    expect(message).toMatch(/^upload quota reached: .* of .* handed in over the last 24 hours \(UPLOAD_QUOTA_BYTES_PER_DAY, hand-ins and model files together\)/);
    expect(message).toContain(`of ${formatBytes(QUOTA)} handed in`);

    // The same through an ordinary client: refused, nothing recorded or kept.
    const second = weights(100 * KB);
    const over = await uploadModel(jane, janeSubmission, second);
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/^upload quota reached/);
    expect(await modelRows()).toBe(1);
    expect(stored(second)).toBe(false);
    expect(await incoming()).toEqual([]);
  });

  it('cuts off a body that declares no length once it passes what is left of the day, and keeps nothing of it', async () => {
    const bytes = weights(120 * KB);
    const answer = await raw(jane, janeSubmission, Buffer.concat([part(bytes), Buffer.from('\r\n--x-quota-boundary--\r\n')]), null, 10_000);
    expect(answer?.status).toBe(429);
    expect(JSON.parse(answer!.body).message).toMatch(/^upload quota reached: this upload passed the .* left of .* a day \(UPLOAD_QUOTA_BYTES_PER_DAY/);
    await sleep(200);
    expect(await incoming()).toEqual([]);
    expect(await modelRows()).toBe(1);
    expect(stored(bytes)).toBe(false);
  });

  it('shares the day with hand-ins: model bytes count against the next hand-in; another student is not held back', async () => {
    // Jane: one hand-in and 150 KB of weights; a second hand-in would pass the day.
    const next = await api.http.post('/api/submissions').set('Authorization', `Bearer ${jane}`).field('assignment', 'class_06_2').attach('file', notebooks[1], 'Class_06_2.ipynb');
    expect(next.status).toBe(429);
    expect(next.body.message).toMatch(/^upload quota reached: .* handed in over the last 24 hours \(UPLOAD_QUOTA_BYTES_PER_DAY, hand-ins and model files together\)/);

    const marcusSubmission = await handIn(marcus, notebooks[2]);
    expect((await uploadModel(marcus, marcusSubmission, weights(100 * KB))).status).toBe(201);
  });

  it('answers 413 for model files larger than the whole daily quota', async () => {
    const marcusSubmission = (await api.sql<{ id: string }>(`SELECT s.id FROM "Submission" s JOIN "Person" p ON p.id = s."personId" WHERE p.email = $1`, [MARCUS]))[0].id;
    const huge = await uploadModel(marcus, marcusSubmission, weights(QUOTA + 100 * KB));
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/larger than the whole daily upload quota \(UPLOAD_QUOTA_BYTES_PER_DAY: .* a day\)/);
    expect(await incoming()).toEqual([]);
  });
});
