import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, ServerProcess, signIn, test } from './fixtures';

/**
 * R-RT-05 (issue 15): the admin subscribes a receiver on "Webhooks" — the form says what to fix,
 * "Gerar" makes the secret, shown once to copy — then a visitor writes and the delivery shows in
 * the webhook's log with its status code; "Reenviar" sends the event again.
 */
test('R-RT-05 the admin adds a webhook in the form; a visitor message is delivered and shows in its log; "Reenviar" delivers it again', async ({ newContext }) => {
  const bodies: Array<{ id: string; event: string }> = [];
  const receiver: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(raw) as { id: string; event: string });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/atende`;
  const server = await ServerProcess.launch({ ATENDE_WEBHOOKS_ALLOW_PRIVATE: '1' });
  try {
    const admin = await (await newContext()).newPage();
    await signIn(admin, server, 'admin@demo.local');
    await admin.goto(`${server.url}/#/admin/webhooks`);
    await expect(admin.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await expect(admin.getByText('Nenhum webhook cadastrado.')).toBeVisible();

    await admin.getByRole('button', { name: 'Adicionar webhook' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Novo webhook' });
    await dialog.getByRole('button', { name: 'Salvar' }).click();
    await expect(dialog.getByText('Informe um endereço http:// ou https://, sem usuário e senha.')).toBeVisible();
    await expect(dialog.getByText('Escolha pelo menos um evento.')).toBeVisible();
    await expect(dialog.getByRole('textbox', { name: 'URL' })).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByRole('textbox', { name: 'URL' }).fill(receiverUrl);
    await dialog.getByRole('checkbox', { name: /Nova mensagem/ }).check();
    await dialog.getByRole('button', { name: 'Gerar' }).click();
    await expect(dialog.getByRole('textbox', { name: 'Segredo' })).toHaveValue(/^[0-9a-f]{64}$/);
    await expectNoAxeViolations(admin, 'the new webhook form');
    await dialog.getByRole('button', { name: 'Salvar' }).click();

    const saved = admin.getByRole('dialog', { name: 'Webhook salvo' });
    await expect(saved.getByRole('alert')).toContainText('não será mostrado novamente');
    const secret = await saved.getByRole('textbox', { name: 'Segredo' }).inputValue();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    await saved.getByRole('button', { name: 'Concluir' }).click();
    const row = admin.getByRole('table', { name: 'Webhooks de saída' }).getByRole('row', { name: new RegExp(receiverUrl) });
    await expect(row).toContainText('message.created');
    await expect(row).toContainText(`…${secret.slice(-4)}`);

    // A visitor of the demo site writes (the widget's own API): the event reaches the receiver.
    const visitor = (await (await fetch(`${server.url}/api/webchat/demo-site/visitors`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    })).json()) as { token: string };
    const sent = await fetch(`${server.url}/api/webchat/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${visitor.token}` },
      body: JSON.stringify({ id: `e2ewebhook${Date.now().toString(36)}`, text: 'Olá, quero um orçamento' }),
    });
    expect(sent.ok).toBe(true);
    await expect.poll(() => bodies.length).toBe(1);
    expect(bodies[0]?.event).toBe('message.created');

    await row.getByRole('button', { name: `Entregas de ${receiverUrl}` }).click();
    const log = admin.getByRole('table', { name: 'Últimas entregas' });
    await expect(log.getByRole('row', { name: /message\.created/ })).toContainText('HTTP 200');
    await expectNoAxeViolations(admin, 'the webhooks list with its delivery log');

    await log.getByRole('button', { name: `Reenviar o evento ${bodies[0]?.id ?? ''}` }).click();
    await expect(admin.getByRole('status').filter({ hasText: 'reenviado' })).toBeVisible();
    await expect.poll(() => bodies.length).toBe(2);
    expect(bodies[1]?.id).toBe(bodies[0]?.id);
    await admin.getByRole('button', { name: 'Atualizar' }).click();
    await expect(log.getByRole('row', { name: /message\.created/ })).toHaveCount(2);
    await expect(log.getByRole('row').nth(1)).toContainText('(reenvio)');
    await useTheme(admin, 'dark');
    await expectNoAxeViolations(admin, 'the webhooks list with its delivery log, dark theme');
  } finally {
    await server.dispose();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
