import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { card, expect, openWidget, root, signIn, test, visitorSends, type ServerProcess } from './fixtures';
import { replicaText } from './replicaText';

function setTeams(server: ServerProcess, userId: string, teamIds: string[]): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/set-user-teams.ts'), server.dataDir, userId, ...teamIds], {
    cwd: root, encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`set-user-teams failed: ${run.stderr}`);
}

test('R-NET-05 ARCHITECTURE §4: a user removed from a team sees its conversations vanish from the open app, and nothing of them stays on disk', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Preciso de ajuda com a fatura');
  await expect(card(agent, 'Preciso de ajuda com a fatura')).toBeVisible();
  expect(await replicaText(agent, 'ana')).toContain('Preciso de ajuda com a fatura');

  // An administrator takes Ana out of Suporte while her app stays open (the server restarts to apply it).
  await server.kill();
  setTeams(server, 'user:ana', ['team:comercial']);
  await server.start();

  await expect(card(agent, 'Preciso de ajuda com a fatura')).toHaveCount(0, { timeout: 20_000 });
  await expect(agent.getByRole('tab', { name: /Em espera/ })).toContainText('0');
  // Purged, not kept as a tombstone with content (RxDB's deleted revisions included).
  await expect.poll(() => replicaText(agent, 'ana'), { timeout: 20_000 }).not.toContain('Preciso de ajuda com a fatura');
});
