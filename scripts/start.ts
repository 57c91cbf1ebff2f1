/**
 * `npm start`: the demo. Runs the sync server (embedded store, demo organisation, accounts
 * printed), then opens the desktop app when an Electron binary is present; otherwise the web
 * build is what the server serves, and its URL is printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `ELECTRON_PATH`, or the binary of the installed `electron` package: its `path.txt` names the
 * executable inside `node_modules/electron/dist` (absent until the binary was downloaded with
 * `node node_modules/electron/install.js`, as install scripts are off).
 */
function electronBinary(): string | undefined {
  const configured = process.env.ELECTRON_PATH;
  if (configured) {
    if (existsSync(configured)) return configured;
    console.log(`ELECTRON_PATH=${configured} does not exist; ignoring it.`);
    return undefined;
  }
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const candidate = path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(candidate) ? candidate : undefined;
}

/** Newest modification time below a folder (a package's sources). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function outdated(built: string, sources: number): boolean {
  return !existsSync(built) || statSync(built).mtimeMs < sources;
}

// The server serves the web build (and the desktop shell loads the same files); build it when
// missing or older than its sources.
const builtIndex = path.join(root, 'renderer/dist/index.html');
const rendererSources = Math.max(newest(path.join(root, 'renderer/src')), statSync(path.join(root, 'renderer/index.html')).mtimeMs);
if (outdated(builtIndex, rendererSources)) {
  console.log('Building the agent app (renderer)…');
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', '@atende/renderer'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** The desktop shell's bundles (electron/dist/main.js + preload.cjs), built when missing or stale. */
function desktopShell(): string | undefined {
  const mainScript = path.join(root, 'electron/dist/main.js');
  const preload = path.join(root, 'electron/dist/preload.cjs');
  const sourcesDir = path.join(root, 'electron/src');
  const sources = existsSync(sourcesDir) ? newest(sourcesDir) : 0;
  if (!outdated(mainScript, sources) && !outdated(preload, sources)) return mainScript;
  const manifest = JSON.parse(readFileSync(path.join(root, 'electron/package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (!manifest.scripts?.build) {
    console.log('The desktop shell has no build script yet (electron/package.json); using the web build.');
    return undefined;
  }
  console.log('Building the desktop shell (electron)…');
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', '@atende/electron'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(mainScript)) {
    console.log('Building the desktop shell failed; using the web build.');
    return undefined;
  }
  return mainScript;
}

const binary = electronBinary();
const mainScript = binary ? desktopShell() : undefined;

const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sync-server/src/main.ts')], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'inherit'],
  // The demo's two weeks of past conversations (issue 16), so the supervisor's charts and reports show data; ATENDE_DEMO_HISTORY=0 leaves them out.
  env: { ATENDE_DEMO_HISTORY: '1', ...process.env },
});

function printWebUrl(url: string, why: string): void {
  console.log(`\n${why}: open ${url}/ in your browser (the web build of the app).`);
}

function openDesktop(electron: string, script: string, url: string): void {
  console.log(`Opening the desktop app (Electron)… The web build is also at ${url}/`);
  // Chromium refuses to start as root with its OS sandbox (containers, CI); developers run as themselves.
  const args = [script, ...(process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
  const app = spawn(electron, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ATENDE_SERVER_URL: url } });
  let failed = false;
  app.once('error', (error) => {
    failed = true;
    printWebUrl(url, `The desktop app could not start (${error.message})`);
  });
  // Quitting the desktop app ends the demo (a failed start leaves the web build running).
  app.once('exit', () => {
    if (!failed) server.kill('SIGTERM');
  });
}

let announced = false;
// The server's start-up lines until "Ready:" (a line may arrive split over two chunks).
let startup = '';
server.stdout?.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (announced) return;
  startup += chunk.toString();
  const match = /^Ready: (\S+)/m.exec(startup);
  if (!match?.[1]) return;
  announced = true;
  const url = match[1].replace(/\/+$/, '');
  if (binary && mainScript) openDesktop(binary, mainScript, url);
  else printWebUrl(url, binary ? 'The desktop shell is not available' : 'No Electron binary here (set ELECTRON_PATH to use the desktop app)');
  // The customer's side of the channel demos, repeated where a newcomer looks last.
  for (const [name, customer] of [['WhatsApp', 'a WhatsApp customer'], ['Telegram', 'a Telegram user'], ['Meta', 'a Messenger or Instagram customer'], ['Reclame Aqui', 'a Reclame Aqui consumer']]) {
    const simulator = new RegExp(`^${name} simulator: (\\S+)`, 'm').exec(startup)?.[1];
    if (simulator) console.log(`Write as ${customer} at ${simulator} (the ${name} simulator).`);
  }
});

const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
