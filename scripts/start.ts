/**
 * `npm start`: the demo. Runs the sync server (embedded store, demo organisation, accounts
 * printed), then opens the desktop app when an Electron binary is present; otherwise the web
 * build is what the server serves, and its URL is printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary(): string | undefined {
  if (process.env.ELECTRON_PATH && existsSync(process.env.ELECTRON_PATH)) return process.env.ELECTRON_PATH;
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return undefined;
  const candidate = path.join(root, 'node_modules/electron/dist');
  return existsSync(candidate) ? candidate : undefined;
}

/** Newest modification time below a folder (the renderer's sources). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

// The server serves the web build; build it when missing or older than its sources.
const builtIndex = path.join(root, 'renderer/dist/index.html');
const sources = Math.max(newest(path.join(root, 'renderer/src')), statSync(path.join(root, 'renderer/index.html')).mtimeMs);
if (!existsSync(builtIndex) || statSync(builtIndex).mtimeMs < sources) {
  console.log('Building the agent app (renderer)…');
  const build = spawnSync('npm', ['run', 'build', '--silent', '-w', '@atende/renderer'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sync-server/src/main.ts')], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'inherit'],
  env: process.env,
});

let announced = false;
server.stdout?.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  const match = /^Ready: (\S+)/m.exec(chunk.toString());
  if (!match || announced) return;
  announced = true;
  const url = match[1];
  const mainScript = path.join(root, 'electron/dist/main.js');
  const binary = electronBinary();
  if (binary && existsSync(mainScript)) {
    console.log('Opening the desktop app (Electron)…');
    spawn(binary, [mainScript], { stdio: 'inherit', env: { ...process.env, ATENDE_SERVER_URL: url } });
  } else {
    console.log(`\nNo Electron binary here: open ${url}/ in your browser (the web build of the app).`);
  }
});

const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
