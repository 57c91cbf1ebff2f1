import type { RunTool, ToolResult } from '../../src/main/policy/runTool';

/**
 * The OS tools (reg.exe, plutil) at the process edge: answers by the command run, and records every
 * call (tool path, arguments, environment) so tests can check nothing came from the user's env.
 */
export interface ToolCall {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
}

export function fakeTools(answer: (call: ToolCall) => ToolResult | Error): RunTool & { calls: ToolCall[] } {
  const calls: ToolCall[] = [];
  const run = async (file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ToolResult> => {
    const call = { file, args, env };
    calls.push(call);
    const result = answer(call);
    if (result instanceof Error) throw result;
    return result;
  };
  return Object.assign(run, { calls });
}

export const ok = (stdout: string): ToolResult => ({ code: 0, stdout, stderr: '' });
/** What reg.exe does when HKLM\Software\Policies\Atende does not exist. */
export const KEY_NOT_FOUND: ToolResult = { code: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' };

/** `reg query HKLM\Software\Policies\Atende` as Windows prints it (CRLF, four-space columns). */
export function regQueryOutput(lines: readonly string[]): string {
  return ['', 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Atende', ...lines, '', ''].join('\r\n');
}
