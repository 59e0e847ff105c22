import { ConfigError, loadConfig, loadServiceConfig } from './config.js';
import { DEFAULT_RUNNER_SCRIPT } from '../rerun/runner-client.js';

describe('loadServiceConfig', () => {
  it('has defaults for everything but the secrets and Google client ids', () => {
    const config = loadServiceConfig({});
    expect(config).toMatchObject({
      port: 3000,
      publicBaseUrl: 'http://localhost:3000',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'grader',
      sessionSecret: undefined,
      google: { clientIds: [], allowedAudiences: [], tokenInfoUrl: 'https://oauth2.googleapis.com/tokeninfo' },
      maxUploadBytes: 32 * 1024 * 1024,
      worker: { queues: ['grade'], attempts: 3, nice: 0 },
      logLevels: ['error', 'warn', 'log'],
    });
  });

  it('reads lists, trims the public URL and lowers the instructors', () => {
    const config = loadServiceConfig({
      PUBLIC_BASE_URL: 'https://grader.example.edu/',
      GOOGLE_ALLOWED_AUDIENCES: ' a.apps.googleusercontent.com , b.apps.googleusercontent.com ,',
      INITIAL_INSTRUCTORS: 'Prof.Lee@UTSA.edu',
      WORKER_QUEUES: 'grade,rerun,grade',
      LOG_LEVEL: 'warn',
    });
    expect(config.publicBaseUrl).toBe('https://grader.example.edu');
    expect(config.google.allowedAudiences).toEqual(['a.apps.googleusercontent.com', 'b.apps.googleusercontent.com']);
    expect(config.initialInstructors).toEqual(['prof.lee@utsa.edu']);
    expect(config.worker.queues).toEqual(['grade', 'rerun']);
    expect(config.logLevels).toEqual(['error', 'warn']);
    expect(config.siteOrigin).toBe('https://grader.example.edu');
  });

  it('re-checks sessions against the database within a minute (role changes, logouts)', () => {
    expect(loadServiceConfig({}).sessionRecheckSeconds).toBe(30);
    expect(loadServiceConfig({ SESSION_RECHECK_SECONDS: '0' }).sessionRecheckSeconds).toBe(0);
    expect(() => loadServiceConfig({ SESSION_RECHECK_SECONDS: '61' })).toThrow(/SESSION_RECHECK_SECONDS: at most 60/);
  });

  it('stops at start with every bad variable named', () => {
    const bad = () =>
      loadServiceConfig({
        SESSION_SECRET: 'short',
        GOOGLE_TOKENINFO_URL: 'http://oauth2.googleapis.com/tokeninfo',
        WORKER_QUEUES: 'grade,gpu',
        REDIS_URL: 'localhost:6379',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/SESSION_SECRET: must be at least 32 characters/);
    expect(bad).toThrow(/GOOGLE_TOKENINFO_URL: must be an https:\/\/ URL \(http:\/\/ only on 127\.0\.0\.1\/localhost\)/);
    expect(bad).toThrow(/WORKER_QUEUES\.1: Invalid option/);
    expect(bad).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadServiceConfig({ GOOGLE_CERTS_URL: 'http://127.0.0.1:9/certs' })).not.toThrow();
  });

  it("runs the re-run's runner with Debian's python3 unless RUNNER_PYTHON names the image's own", () => {
    expect(loadConfig({}).runnerCommand).toEqual(['/usr/bin/python3', DEFAULT_RUNNER_SCRIPT]);
    expect(loadConfig({ RUNNER_PYTHON: '/opt/torch/.venv/bin/python3' }).runnerCommand).toEqual([
      '/opt/torch/.venv/bin/python3',
      DEFAULT_RUNNER_SCRIPT,
    ]);
    expect(() => loadConfig({ RUNNER_PYTHON: 'python3 -u' })).toThrow(/RUNNER_PYTHON: must be one command or path, no spaces/);
  });
});
