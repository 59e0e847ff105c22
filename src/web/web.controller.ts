/**
 * The server-rendered pages (sign-in, class matrix, submission review, student page) and their
 * static assets. Pages read through the same services as the JSON API, and change things only
 * through the API (overrides, re-runs), from the page's script.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { CurrentUser, Public, Roles } from '../auth/decorators.js';
import { SessionChecker } from '../auth/session-checker.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import { ActivityService } from '../review/activity.service.js';
import { ClassService } from '../review/class.service.js';
import { EvidenceService } from '../review/evidence.service.js';
import { RegradeService } from '../review/regrade.service.js';
import { matrixQuery, specIdParam, uuidParam } from '../review/http/schemas.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { FileStore } from '../submissions/file-store.js';
import { SubmissionRepository } from '../submissions/submission.repository.js';
import { APP_CSS, APP_JS } from './assets.js';
import { loadHandIn } from './hand-in.js';
import { html } from './html.js';
import { page } from './layout.js';
import { matrixPage, overviewCharts } from './pages/matrix.page.js';
import { signInPage } from './pages/sign-in.page.js';
import { studentPage } from './pages/student.page.js';
import { submissionPage } from './pages/submission.page.js';
import { regradeListPage, regradeRunPage } from './pages/regrade.page.js';
import { WebExceptionFilter } from './web-exception.filter.js';

/** Chart.js's UMD build, from the installed package (no CDN, no build step). */
const CHART_JS_PATH = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
let chartJs: Buffer | null = null;

/** Scripts only from us (and Google's sign-in), figures as data: URLs, API calls to ourselves. */
const CSP = [
  "default-src 'self'",
  "script-src 'self' https://accounts.google.com/gsi/client",
  "style-src 'self' 'unsafe-inline' https://accounts.google.com/gsi/style",
  "img-src 'self' data:",
  "connect-src 'self' https://accounts.google.com/gsi/",
  'frame-src https://accounts.google.com/gsi/',
  "frame-ancestors 'none'",
].join('; ');

const specId = new ZodPipe(specIdParam, 'specId');
/** The filter form sends every field; an empty one means "any", not an invalid value. */
const matrixFilter = z.preprocess(
  (query) =>
    typeof query === 'object' && query !== null ? Object.fromEntries(Object.entries(query).filter(([, value]) => value !== '')) : query,
  matrixQuery,
);
const submissionId = new ZodPipe(uuidParam, 'submission id');

function sendPage(response: Response, markup: { value: string }): void {
  response
    .status(200)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    .setHeader('Content-Security-Policy', CSP)
    .setHeader('X-Content-Type-Options', 'nosniff')
    .send(markup.value);
}

const home = (user: AuthenticatedUser) => (user.role === 'student' ? '/me' : '/staff');

@ApiExcludeController()
@UseFilters(WebExceptionFilter)
@Controller()
export class WebController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SessionChecker) private readonly sessions: SessionChecker,
    @Inject(PrismaService) private readonly db: PrismaService,
    @Inject(ClassService) private readonly classes: ClassService,
    @Inject(ActivityService) private readonly activity: ActivityService,
    @Inject(EvidenceService) private readonly evidence: EvidenceService,
    @Inject(RegradeService) private readonly regrade: RegradeService,
    @Inject(SubmissionRepository) private readonly submissions: SubmissionRepository,
    @Inject(FileStore) private readonly files: FileStore | null,
  ) {}

  @Public()
  @Get()
  async signIn(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = request.cookies?.grader_session ?? cookie(request.headers.cookie, 'grader_session');
    if (token) {
      try {
        // Checked as the guard checks it: a signed-out or demoted session does not bounce back here.
        response.redirect(303, home((await this.sessions.authenticate(token)).user));
        return;
      } catch {
        // An expired, ended or foreign cookie: sign in again.
      }
    }
    const next = typeof request.query.next === 'string' ? 'Sign in to see that page.' : null;
    sendPage(response, signInPage(this.config.google.clientIds[0] ?? null, next));
  }

  @Get('staff')
  @Roles('ta', 'instructor')
  async staffHome(@CurrentUser() user: AuthenticatedUser, @Res() response: Response): Promise<void> {
    const assignments = await this.db.prisma.assignment.findMany({ select: { specId: true, title: true }, orderBy: { specId: 'asc' } });
    if (assignments.length === 1) {
      response.redirect(303, `/staff/assignments/${assignments[0].specId}`);
      return;
    }
    sendPage(
      response,
      page({
        title: 'Assignments',
        user,
        body: html`<h1>Assignments</h1><div class="card">${
          assignments.length
            ? html`<ul>${assignments.map((a) => html`<li><a href="/staff/assignments/${a.specId}">${a.title}</a> <span class="muted small">${a.specId}</span></li>`)}</ul>`
            : html`<p class="muted">No assignment has submissions yet.</p>`
        }</div>`,
      }),
    );
  }

  @Get('staff/assignments/:specId')
  @Roles('ta', 'instructor')
  async matrix(
    @Param('specId', specId) id: string,
    @Query(new ZodPipe(matrixFilter, 'query')) filter: z.output<typeof matrixQuery>,
    @CurrentUser() user: AuthenticatedUser,
    @Res() response: Response,
  ): Promise<void> {
    const view = await this.classes.matrix(id, filter);
    const whole = filter.flag || filter.status || filter.section || filter.q ? (await this.classes.matrix(id, { sort: 'name' })).rows : view.rows;
    const charts = overviewCharts(whole, view.spec?.exercises ?? [], view.spec?.maxScore ?? 100);
    const activity = await this.activity.overview(id);
    sendPage(response, matrixPage(view, filter, { ...charts, activity }, user));
  }

  @Get('staff/submissions/:id')
  @Roles('ta', 'instructor')
  async submission(@Param('id', submissionId) id: string, @CurrentUser() user: AuthenticatedUser, @Res() response: Response): Promise<void> {
    const evidence = await this.evidence.evidence(id);
    const handIn = await loadHandIn(this.files, evidence.submission);
    const reruns = await this.db.prisma.rerunRun.findMany({ where: { submissionId: id }, orderBy: { startedAt: 'desc' }, take: 5 });
    sendPage(response, submissionPage(evidence, handIn, user, reruns));
  }

  @Get('staff/assignments/:specId/regrades')
  @Roles('ta', 'instructor')
  async regrades(@Param('specId', specId) specIdValue: string, @CurrentUser() user: AuthenticatedUser, @Res() response: Response): Promise<void> {
    sendPage(response, regradeListPage(specIdValue, await this.regrade.list(specIdValue), user));
  }

  @Get('staff/assignments/:specId/regrades/:runId')
  @Roles('ta', 'instructor')
  async regradeRun(
    @Param('specId', specId) specIdValue: string,
    @Param('runId', submissionId) runId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Res() response: Response,
  ): Promise<void> {
    sendPage(response, regradeRunPage(await this.regrade.view(specIdValue, runId, { changedOnly: false }), user));
  }

  @Get('me')
  async me(@CurrentUser() user: AuthenticatedUser, @Res() response: Response): Promise<void> {
    const views = user.personId ? await this.submissions.listForPerson(user.personId) : [];
    sendPage(response, studentPage(views, user, this.config.publicBaseUrl));
  }

  @Public()
  @Get('assets/app.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  css(): string {
    return APP_CSS;
  }

  @Public()
  @Get('assets/app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  js(): string {
    return APP_JS;
  }

  @Public()
  @Get('assets/chart.umd.js')
  chart(@Res() response: Response): void {
    chartJs ??= readFileSync(CHART_JS_PATH);
    response.status(200).type('text/javascript').setHeader('Cache-Control', 'public, max-age=86400').send(chartJs);
  }
}

function cookie(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}
