import { execFile } from 'node:child_process';

/**
 * Runs one of the OS's own tools (reg.exe, plutil) at a fixed absolute path, without a shell, and
 * gives back its exit code and output. Tests replace this function: it is the process edge.
 */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}
export type RunTool = (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<ToolResult>;

const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 1024 * 1024;

export const runTool: RunTool = (file, args, env) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { encoding: 'utf8', env, shell: false, windowsHide: true, timeout: TIMEOUT_MS, maxBuffer: MAX_OUTPUT }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      // A number is the tool's own exit code; anything else (ENOENT, a timeout, a signal) means it did not run to the end.
      if (typeof error.code === 'number') return resolve({ code: error.code, stdout, stderr });
      reject(error);
    });
  });
