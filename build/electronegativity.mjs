// @ts-check
/**
 * Doyensec Electronegativity over the desktop shell's source, as `npm test` runs it (issue 17):
 * every finding that matters must be listed, with a written reason, in the reviewed allow-list
 * `build/electronegativity-allow.json`. See build/README.md for how to review that list.
 *
 * The scan runs in a child Node process (`node build/electronegativity.mjs --scan <dir> <electron
 * version>`): the runner registers globals, prints, and calls process.exit on bad options.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ id: string; file: string; line: number; sample: string; severity: string; confidence: string }} Finding
 * @typedef {{ file: string; contains: string }} Evidence
 * @typedef {{ check: string; file: string; match: string; evidence: Evidence; justification: string }} AllowEntry
 */

const SEVERE = new Set(['HIGH', 'MEDIUM']);
const SURE = new Set(['FIRM', 'CERTAIN']);

/**
 * The findings the allow-list must account for: every HIGH or MEDIUM one, whatever its confidence
 * (Electronegativity calls many real problems TENTATIVE), and LOW or INFORMATIONAL ones it is
 * FIRM or CERTAIN about. The rest are hints for a manual review, not gates.
 * @param {Finding} finding
 */
export function mustBeAllowed(finding) {
  return SEVERE.has(finding.severity) || SURE.has(finding.confidence);
}

/** @param {Finding} finding @param {AllowEntry} entry */
export function allows(entry, finding) {
  return entry.check === finding.id && entry.file === finding.file && finding.sample.includes(entry.match);
}

/**
 * @param {Finding[]} findings
 * @param {AllowEntry[]} allowList
 * @returns {{ unallowed: Finding[]; stale: AllowEntry[] }} findings nobody justified, and entries
 *   that match nothing any more (the code changed: drop them, or the list hides the next finding)
 */
export function judge(findings, allowList) {
  const gated = findings.filter(mustBeAllowed);
  return {
    unallowed: gated.filter((finding) => !allowList.some((entry) => allows(entry, finding))),
    stale: allowList.filter((entry) => !gated.some((finding) => allows(entry, finding))),
  };
}

/**
 * Runs the scan in a child process.
 * @param {string} input folder to scan
 * @param {string} electronVersion e.g. "45.5.0": the checks judge defaults by it
 * @returns {Promise<{ findings: Finding[]; errors: { file: string; message: string }[] }>}
 */
export function scan(input, electronVersion) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fileURLToPath(import.meta.url), '--scan', input, electronVersion], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`electronegativity failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** The child's side: runs Electronegativity's programmatic runner and prints the findings as JSON. */
async function scanHere(/** @type {string} */ input, /** @type {string} */ electronVersion) {
  const require = createRequire(import.meta.url);
  // Its chatter goes to stderr; stdout carries only the JSON.
  console.log = (...args) => console.error(...args);
  // Offline and deterministic: Electronegativity fetches translations and Electron's release list
  // with `got`; both fall back when it fails, so it fails at once instead of after a timeout.
  const Module = /** @type {{ _load: (request: string, ...rest: unknown[]) => unknown }} */ (/** @type {unknown} */ (require('node:module')));
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request !== 'got') return load.call(this, request, ...rest);
    const offline = () => Promise.reject(new Error('offline'));
    return Object.assign(offline, { head: offline });
  };
  const run = /** @type {(options: object, forCli: boolean) => Promise<{ issues: RawIssue[]; errors: { file: string; message: string }[] }>} */ (
    require('@doyensec/electronegativity/dist/runner.js')
  );
  /** @typedef {{ id: string; file: string; sample?: string; location: { line: number }; severity: { name: string }; confidence: { name: string } }} RawIssue */
  const result = await run(
    {
      input: path.resolve(input),
      isRelative: true,
      electronVersionOverride: electronVersion,
      // It compares the version with Electron's live release list (network, changes daily); the
      // supported-version question is answered by the pinned Electron and the fuses test.
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
    },
    false,
  );
  const findings = result.issues.map((issue) => ({
    id: issue.id,
    file: issue.file,
    line: issue.location.line,
    sample: issue.sample ?? '',
    severity: issue.severity.name,
    confidence: issue.confidence.name,
  }));
  process.stdout.write(JSON.stringify({ findings, errors: result.errors.map(({ file, message }) => ({ file, message })) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--scan') {
  const [input, version] = process.argv.slice(3);
  if (!input || !version) throw new Error('usage: node build/electronegativity.mjs --scan <folder> <electron version>');
  await scanHere(input, version);
}
