import { expect, messageLog, signIn, takeNewConversation, test, visitorSent } from './fixtures';

/** The admin API over HTTP, as IT would script it. */
async function setDemoSiteEnabled(url: string, enabled: boolean): Promise<void> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.local', password: 'atende123' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const patched = await fetch(`${url}/api/admin/channels/demo-site`, {
    method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }, body: JSON.stringify({ enabled }),
  });
  expect(patched.status).toBe(200);
}

test('R-WS-04 R-OPS-02 a send the channel refuses shows failed with its reason; "Reenviar" sends it once the channel is back', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Oi, alguém aí?');
  await expect(visitorSent(visitor, 'Oi, alguém aí?')).toBeVisible();

  await setDemoSiteEnabled(server.url, false);
  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Estou aqui, sim!');
  await composer.press('Enter');
  const log = messageLog(agent);
  await expect(log).toContainText('O canal deste atendimento está desativado.');
  const resend = log.getByRole('button', { name: 'Reenviar' });
  await expect(resend).toBeVisible();

  await setDemoSiteEnabled(server.url, true);
  await resend.click();
  await expect(log.getByRole('button', { name: 'Reenviar' })).toHaveCount(0);
  await expect(log).not.toContainText('O canal deste atendimento está desativado.');
  // The visitor's widget reconnects and shows the reply once.
  await expect(visitor.getByText('Estou aqui, sim!')).toHaveCount(1, { timeout: 15_000 });
});
