import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

type Env = Record<string, string | undefined>;

/** The ConfigError that `env` raises; fails the test if it loads or throws anything else. */
function configError(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const COUCH = 'http://127.0.0.1:5984';

describe('loadConfig (issue 2 points 3, 5 and 10: env vars)', () => {
  it('defaults: 127.0.0.1:8080, embedded store in ./.atende-data resolved, demo on (ARCHITECTURE §5 embedded is the default)', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.store).toEqual({ driver: 'embedded', dataDir: path.resolve('.atende-data') });
    expect(config.store.driver === 'embedded' && path.isAbsolute(config.store.dataDir)).toBe(true);
    expect(config.demo).toBe(true);
    expect(config.demoPassword).toBe('atende123');
    expect(config.secret).toBeUndefined();
    expect(config.timeZone).toBe('America/Sao_Paulo');
    expect(config.logLevel).toBe('info');
    expect(config.lockout).toEqual({ attempts: 5, windowMs: 15 * 60_000, accountAttempts: 50 });
    expect(config.presenceGraceMs).toBe(30_000);
    expect(config.webDir).toBeUndefined();
  });

  it('reads the keys it is given: PORT, HOST, ATENDE_DATA_DIR (resolved), ATENDE_SECRET, ATENDE_TIMEZONE, ATENDE_DEMO_PASSWORD', () => {
    const secret = 'x'.repeat(32);
    const config = loadConfig({
      PORT: '0',
      HOST: '::1',
      ATENDE_DATA_DIR: 'some/dir',
      ATENDE_SECRET: secret,
      ATENDE_TIMEZONE: 'America/Manaus',
      ATENDE_DEMO_PASSWORD: 'outra-senha',
      ATENDE_LOG_LEVEL: 'silent',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '::1',
      store: { driver: 'embedded', dataDir: path.resolve('some/dir') },
      secret,
      timeZone: 'America/Manaus',
      demoPassword: 'outra-senha',
      logLevel: 'silent',
    });
    expect(loadConfig({ PORT: '65535' }).port).toBe(65_535);
  });

  it('an empty variable counts as unset, so ATENDE_DATA_DIR= never puts the store in the working folder', () => {
    const config = loadConfig({
      PORT: '',
      HOST: '',
      COUCHDB_URL: '',
      ATENDE_DATA_DIR: '',
      ATENDE_DEMO: '',
      ATENDE_DEMO_PASSWORD: '',
      ATENDE_SECRET: '',
      ATENDE_TIMEZONE: '',
      ATENDE_LOG_LEVEL: '',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      store: { driver: 'embedded', dataDir: path.resolve('.atende-data') },
      demo: true,
      demoPassword: 'atende123',
      secret: undefined,
      timeZone: 'America/Sao_Paulo',
      logLevel: 'info',
    });
  });

  it('COUCHDB_URL selects the couchdb driver, and demo is off unless ATENDE_DEMO=1 (issue 2 point 5)', () => {
    const couch = loadConfig({ COUCHDB_URL: COUCH });
    expect(couch.store).toEqual({ driver: 'couchdb', couchUrl: COUCH, couchDb: 'atende-main' });
    expect(couch.demo).toBe(false);

    expect(loadConfig({ COUCHDB_URL: COUCH, ATENDE_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ COUCHDB_URL: COUCH, ATENDE_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ ATENDE_DEMO: '0' }).demo).toBe(false);

    expect(loadConfig({ COUCHDB_URL: COUCH, ATENDE_COUCHDB_DB: 'org-42' }).store).toMatchObject({ couchDb: 'org-42' });
  });

  it('R-CH-04 R-CH-05 ATENDE_SIMULATORS follows the demo, switches every simulator, and ATENDE_WHATSAPP_SIMULATOR still decides WhatsApp (issue 11)', () => {
    const pick = (env: Env) => { const c = loadConfig(env); return [c.simulators, c.whatsappSimulator]; };
    expect(pick({})).toEqual([true, true]);
    expect(pick({ ATENDE_DEMO: '0' })).toEqual([false, false]);
    expect(pick({ COUCHDB_URL: COUCH })).toEqual([false, false]);
    expect(pick({ ATENDE_SIMULATORS: '0' })).toEqual([false, false]);
    expect(pick({ ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '1' })).toEqual([false, true]);
    expect(pick({ ATENDE_WHATSAPP_SIMULATOR: '0' })).toEqual([true, false]);
    expect(configError({ ATENDE_DEMO: '0', ATENDE_SIMULATORS: '1' }).message).toContain('ATENDE_SIMULATORS');
    expect(configError({ ATENDE_SIMULATORS: 'maybe' }).message).toContain('ATENDE_SIMULATORS');
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '80.5' }],
    ['PORT', { PORT: '70000' }],
    ['ATENDE_DEMO', { ATENDE_DEMO: 'maybe' }],
    ['COUCHDB_URL', { COUCHDB_URL: 'not a url' }],
    ['ATENDE_COUCHDB_DB', { COUCHDB_URL: COUCH, ATENDE_COUCHDB_DB: 'Has Spaces' }],
    ['ATENDE_SECRET', { ATENDE_SECRET: 'too-short' }],
    ['ATENDE_TIMEZONE', { ATENDE_TIMEZONE: 'Mars/Olympus_Mons' }],
    ['ATENDE_DEMO_PASSWORD', { ATENDE_DEMO_PASSWORD: '12345' }],
    ['ATENDE_LOG_LEVEL', { ATENDE_LOG_LEVEL: 'loud' }],
    ['ATENDE_LOCKOUT_ATTEMPTS', { ATENDE_LOCKOUT_ATTEMPTS: '0' }],
  ])('an invalid %s is a ConfigError that names the key (%j)', (key, env) => {
    expect(configError(env).message).toContain(key);
  });
});

describe('R-AUTH-01 R-OPS a refused URL setting never shows its credentials', () => {
  it('R-AUTH-01 an SMTP_URL that is not a URL is refused naming the key, without its password', () => {
    const error = configError({ SMTP_URL: 'smtps://mailer:s3cr3t-pass@mail example.com:465' });
    expect(error.message).toMatch(/SMTP_URL/);
    expect(error.message).not.toMatch(/s3cr3t-pass|mailer/);
  });
});
