import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from '../src/main/policy/runTool';

// The real process edge, run with Node itself as the "OS tool" (reg.exe and plutil are not here).
describe('issue 17 the OS tool runner (reg.exe / plutil), without a shell', () => {
  it('gives the exit code and both outputs, and passes only the environment it is given', async () => {
    const script = 'process.stdout.write(JSON.stringify(process.env)); process.stderr.write("warn"); process.exit(3)';
    const result = await runTool(process.execPath, ['-e', script], { ONLY: 'this' });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('warn');
    expect(JSON.parse(result.stdout)).toMatchObject({ ONLY: 'this' });
    expect(JSON.parse(result.stdout)).not.toHaveProperty('PATH');
  });
  it('does not interpret shell syntax in arguments', async () => {
    const result = await runTool(process.execPath, ['-e', 'process.stdout.write(process.argv[1])', '$(echo hi) ; exit 9'], {});
    expect(result).toEqual({ code: 0, stdout: '$(echo hi) ; exit 9', stderr: '' });
  });
  it('rejects when the tool is not there (the caller names it as a problem)', async () => {
    await expect(runTool(path.join('/nonexistent', 'reg.exe'), ['query'], {})).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
