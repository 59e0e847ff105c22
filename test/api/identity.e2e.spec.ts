/**
 * Google identities through the real google-auth-library against a fake Google on 127.0.0.1:
 * the Colab submit path (access tokens, tokeninfo) and web sign-in (ID tokens, certificates).
 * Tokens that must be refused: unknown (forged), expired, for another application, with an
 * unverified email. No token may ever appear in a response or a log line.
 */
import { ServiceUnavailableException } from '@nestjs/common';
import { toHttpError } from '../../src/identity/google-access.guard.js';
import { GoogleIdentityVerifier, GoogleUnavailable } from '../../src/identity/google-verifier.js';
import { buildSubmission, notebookText } from '../fixtures/submissions.js';
import { freePort } from '../support/redis-server.js';
import { type ApiHarness, COLAB_CLIENT_ID, startApi, WEB_CLIENT_ID } from '../support/api-harness.js';

const PRIYA = 'priyaraman.bio@gmail.com';
const STRANGER = 'not.enrolled.friend@gmail.com';

describe('Google identity', () => {
  let api: ApiHarness;
  const tokens: string[] = [];
  let notebook: Buffer;

  beforeAll(async () => {
    api = await startApi({ label: 'identity', worker: true });
    const instructor = await api.sessionFor('prof.lee@utsa.edu', 'instructor');
    const roster = await api.http
      .post('/api/roster')
      .set('Authorization', `Bearer ${instructor}`)
      .attach('file', Buffer.from(`Name,Email,Gmail,Section\nPriya Raman,praman@utsa.edu,Priya.Raman.Bio@gmail.com,001\n`), 'people.csv');
    expect(roster.body.people).toEqual({ created: 1, updated: 0 });
    notebook = Buffer.from(notebookText(buildSubmission({ email: PRIYA, seed: 2024 })));
  });

  afterAll(async () => {
    // Whatever happened, no token reached a log line.
    for (const token of tokens) expect(api.logs.join('\n')).not.toContain(token.slice(-40));
    await api?.close();
  });

  const accessToken = (options: Parameters<ApiHarness['google']['issueAccessToken']>[0]) => {
    const token = api.google.issueAccessToken(options);
    tokens.push(token);
    return token;
  };
  const idToken = (options: Parameters<ApiHarness['google']['mintIdToken']>[0]) => {
    const token = api.google.mintIdToken(options);
    tokens.push(token);
    return token;
  };
  const colabUpload = (token: string | null, bytes = notebook) => {
    const call = api.http.post('/api/colab/submissions');
    if (token) call.set('Authorization', `Bearer ${token}`);
    return call.attach('file', bytes, 'Class_06_2.ipynb');
  };

  describe('Colab submissions (access token)', () => {
    it('grades the notebook of the verified student, matched with the roster whatever the Gmail spelling', async () => {
      const response = await colabUpload(accessToken({ email: PRIYA, audience: COLAB_CLIENT_ID }));
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ email: PRIYA, status: 'received', duplicate: false });
      // The session token in the answer is for polling, as the submit cell does.
      const done = await api.waitUntilProcessed(response.body.submissionId, response.body.sessionToken);
      expect(done.result).toMatchObject({
        status: 'graded',
        student: { email: PRIYA, verified: true, submittedBy: PRIYA, onRoster: true },
      });
      const flags = (done.result as { flags: { name: string }[] }).flags.map((flag) => flag.name);
      expect(flags).not.toContain('gmail_mismatch');
      // The roster's spelling is the person; no second person was made for the token's spelling.
      expect(await api.sql(`SELECT email FROM "Person" WHERE email LIKE '%raman%'`)).toEqual([{ email: 'priya.raman.bio@gmail.com' }]);
    });

    it("flags gmail_mismatch (and not_on_roster) when someone else's notebook is sent, and keeps it theirs", async () => {
      const other = Buffer.from(notebookText(buildSubmission({ email: PRIYA, seed: 2024, missingExercises: [9] })));
      const response = await colabUpload(accessToken({ email: STRANGER, audience: COLAB_CLIENT_ID }), other);
      expect(response.status).toBe(202);
      const done = await api.waitUntilProcessed(response.body.submissionId, response.body.sessionToken);
      const result = done.result as { student: object; flags: { name: string; detail: string }[] };
      expect(result.student).toEqual({ email: PRIYA, verified: false, submittedBy: STRANGER, onRoster: false });
      expect(result.flags.find((flag) => flag.name === 'gmail_mismatch')?.detail).toBe(
        `the notebook prints ${PRIYA}, but it was submitted by ${STRANGER} (verified by Google)`,
      );
      expect(result.flags.map((flag) => flag.name)).toContain('not_on_roster');
      // The polling session is the stranger's: it sees their submission and nobody else's.
      const mine = await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${response.body.sessionToken}`);
      expect(mine.body.submissions.map((s: { submissionId: string }) => s.submissionId)).toEqual([response.body.submissionId]);
    });

    it('drops the stored not_on_roster badge once a roster import enrols the uploader, and changes no score', async () => {
      const [before] = await api.sql<{ id: string; score: number }>(
        `SELECT g.id, g.score FROM "Grade" g JOIN "Submission" s ON s.id = g."submissionId" WHERE s."verifiedEmail" = $1`, [STRANGER],
      );
      const instructor = await api.sessionFor('prof.lee@utsa.edu', 'instructor');
      const roster = await api.http
        .post('/api/roster')
        .set('Authorization', `Bearer ${instructor}`)
        .attach('file', Buffer.from(`Name,Email,Gmail,Section\nNot Enrolled,nfriend@utsa.edu,${STRANGER},002\n`), 'late-adds.csv');
      expect(roster.status).toBe(200);
      expect(roster.body.grades).toEqual({ nowOnRoster: 1 });
      const [after] = await api.sql<{ score: number; flags: { name: string }[]; student: { onRoster: boolean } }>(
        `SELECT score, flags, report->'student' AS student FROM "Grade" WHERE id = $1`, [before.id],
      );
      expect(after.flags.map((f) => f.name)).not.toContain('not_on_roster');
      expect(after.flags.map((f) => f.name)).toContain('gmail_mismatch');
      expect(after.student.onRoster).toBe(true);
      expect(after.score).toBe(before.score);
      // Importing the same roster again finds nothing left to change.
      const again = await api.http.post('/api/roster').set('Authorization', `Bearer ${instructor}`)
        .attach('file', Buffer.from(`Name,Email,Gmail,Section\nNot Enrolled,nfriend@utsa.edu,${STRANGER},002\n`), 'late-adds.csv');
      expect(again.body.grades).toEqual({ nowOnRoster: 0 });
    });

    it('refuses forged, expired, wrong-audience, unverified and email-less tokens, storing nothing', async () => {
      const count = async () => (await api.sql<{ n: string }>('SELECT count(*) AS n FROM "Submission"'))[0].n;
      const before = await count();
      const forged = `ya29.${'A'.repeat(64)}`;
      const cases: [string | null, RegExp][] = [
        [null, /send your Google access token as "Authorization: Bearer <token>"/],
        [forged, /Google does not accept this access token \(invalid or expired\)/],
        [accessToken({ email: PRIYA, audience: COLAB_CLIENT_ID, expiresInSeconds: -60 }), /invalid or expired/],
        [accessToken({ email: PRIYA, audience: 'someone-elses-app.apps.googleusercontent.com' }), /issued to an application this grader does not accept/],
        [accessToken({ email: PRIYA, audience: COLAB_CLIENT_ID, emailVerified: false }), /Google has not verified the email/],
        [accessToken({ email: PRIYA, audience: COLAB_CLIENT_ID, scope: 'openid' }), /carries no email/],
        ['not*a&token', /malformed Google access token/],
      ];
      for (const [token, message] of cases) {
        const response = await colabUpload(token);
        expect({ status: response.status, message: response.body.message }).toEqual({ status: 401, message: expect.stringMatching(message) });
        if (token) expect(JSON.stringify(response.body)).not.toContain(token);
      }
      expect(await count()).toBe(before);
    });

    it('does not take a Google access token as a session on the web endpoints', async () => {
      const token = accessToken({ email: PRIYA, audience: COLAB_CLIENT_ID });
      const response = await api.http.get('/api/submissions/mine').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(401);
    });
  });

  describe('web sign-in (ID token)', () => {
    it('signs a roster member in with their role, as a token and an HttpOnly cookie', async () => {
      const response = await api.http.post('/api/auth/google').send({ idToken: idToken({ email: 'Priya.Raman.Bio@gmail.com', audience: WEB_CLIENT_ID }) });
      expect(response.status).toBe(200);
      expect(response.body.user).toEqual({ email: 'priya.raman.bio@gmail.com', role: 'student' });
      const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('grader_session='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Secure/);
      const me = await api.http.get('/api/auth/me').set('Cookie', cookie.split(';')[0]);
      expect(me.body).toEqual({ email: 'priya.raman.bio@gmail.com', role: 'student' });
      const mine = await api.http.get('/api/submissions/mine').set('Cookie', cookie.split(';')[0]);
      expect(mine.body.submissions).toHaveLength(1);
    });

    it('refuses forged, expired, wrong-audience, unverified and malformed ID tokens; unknown people get 403', async () => {
      const cases: [string, number, RegExp][] = [
        [idToken({ email: PRIYA, audience: WEB_CLIENT_ID, forged: true }), 401, /signature does not verify/],
        [idToken({ email: PRIYA, audience: WEB_CLIENT_ID, expired: true }), 401, /has expired/],
        [idToken({ email: PRIYA, audience: COLAB_CLIENT_ID }), 401, /issued for another application/],
        [idToken({ email: PRIYA, audience: WEB_CLIENT_ID, emailVerified: false }), 401, /not verified the email/],
        [idToken({ email: PRIYA, audience: WEB_CLIENT_ID, issuer: 'https://evil.example.com' }), 401, /not issued by Google/],
        ['abc.def', 401, /malformed ID token/],
        [idToken({ email: STRANGER.replace('not.', 'never.'), audience: WEB_CLIENT_ID }), 403, /not on this course's roster/],
      ];
      for (const [token, status, message] of cases) {
        const response = await api.http.post('/api/auth/google').send({ idToken: token });
        expect({ status: response.status, message: response.body.message }).toEqual({ status, message: expect.stringMatching(message) });
        expect(JSON.stringify(response.body)).not.toContain(token);
        expect(response.headers['set-cookie']).toBeUndefined();
      }
      const missing = await api.http.post('/api/auth/google').send({});
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/idToken/);
    });

    it('clears the session cookie on logout', async () => {
      const response = await api.http.post('/api/auth/logout');
      expect(response.status).toBe(204);
      expect(String(response.headers['set-cookie'])).toMatch(/grader_session=;/);
    });
  });

  it("answers 'unavailable' (503), not 'invalid', when Google cannot be reached", async () => {
    const port = await freePort();
    const verifier = new GoogleIdentityVerifier({
      tokenInfoUrl: `http://127.0.0.1:${port}/tokeninfo`,
      certsUrl: `http://127.0.0.1:${port}/oauth2/v1/certs`,
      clientIds: [WEB_CLIENT_ID],
      allowedAudiences: [COLAB_CLIENT_ID],
      timeoutMs: 1_000,
    });
    const access = verifier.verifyAccessToken(accessToken({ email: PRIYA, audience: COLAB_CLIENT_ID }));
    await expect(access).rejects.toThrow(GoogleUnavailable);
    await expect(access).rejects.toThrow('cannot reach Google to verify the access token');
    const id = verifier.verifyIdToken(idToken({ email: PRIYA, audience: WEB_CLIENT_ID }));
    await expect(id).rejects.toThrow("cannot fetch Google's signing certificates");
    expect(toHttpError(new GoogleUnavailable('x'))).toBeInstanceOf(ServiceUnavailableException);
  });

  it('reports roster rows it could not use, by line', async () => {
    const instructor = await api.sessionFor('prof.lee@utsa.edu', 'instructor');
    const response = await api.http
      .post('/api/roster')
      .set('Authorization', `Bearer ${instructor}`)
      .field('role', 'ta')
      .attach('file', Buffer.from('Name,Email\nSam TA,sam.ta@utsa.edu\nNobody,\n'), 'tas.csv');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ course: 'BIO1173', people: { created: 1 }, skipped: [{ line: 3, reason: 'no email address on this row' }] });
    expect(await api.sql(`SELECT role FROM "Person" WHERE email = 'sam.ta@utsa.edu'`)).toEqual([{ role: 'ta' }]);
    const bad = await api.http.post('/api/roster').set('Authorization', `Bearer ${instructor}`).attach('file', Buffer.from('Student,ID\nA,1\n'), 'grades.csv');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^grades\.csv: no email column in the roster header \(Student, ID\)/);
  });
});
