import type { Locator, Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { card, expect, messageLog, signIn, test } from './fixtures';

/**
 * Issue 12 end to end through the Reclame Aqui simulator `npm start` runs (the fake HugMe the
 * demo account "Reclame Aqui (demo)" polls every 10 s; `server.hugmeSimulatorUrl`): a consumer
 * files a complaint, Ana (Suporte, the account's team) takes it, answers privately and then
 * publicly, asks for the evaluation from the finish dialog, and the consumer's evaluation comes
 * back as a card. HugMe has no webhooks, so every upstream step waits for a poll: the waits are
 * bounds, not measures.
 */
const POLLED = { timeout: 45_000 };

const COMPLAINT = {
  name: 'Maria Oliveira',
  email: 'maria.oliveira@example.com',
  title: 'Geladeira entregue amassada',
  content: 'A geladeira do pedido 4471 chegou com a porta amassada e ninguém responde no SAC.',
  city: 'Campinas',
  state: 'SP',
};
const PRIVATE_ANSWER = 'Olá, Maria. Pode nos enviar uma foto da porta? Vamos resolver.';
const PUBLIC_ANSWER = 'Olá, Maria. Já agendamos a troca da geladeira para amanhã.';

/** The consumer's card of complaint `id` on the simulator page. */
const complaintCard = (consumer: Page, id: string): Locator =>
  consumer.locator('article', { has: consumer.getByRole('heading', { name: `#${id} — ` }) });

/** An agent's message in the transcript, by its text. */
const agentMessage = (ana: Page, text: string): Locator => messageLog(ana).locator('.message', { hasText: text });

/** Files `complaint` with the simulator page's form; its id, from the page's notice. */
async function fileComplaint(consumer: Page, complaint: typeof COMPLAINT): Promise<string> {
  const form = consumer.locator('#complaint');
  await form.getByLabel('Nome').fill(complaint.name);
  await form.getByLabel('E-mail').fill(complaint.email);
  await form.getByLabel('Título').fill(complaint.title);
  await form.getByLabel('Relato').fill(complaint.content);
  await form.getByLabel('Cidade').fill(complaint.city);
  await form.getByLabel('Estado (UF)').fill(complaint.state);
  await form.getByRole('button', { name: 'Registrar reclamação' }).click();
  const notice = form.getByRole('status');
  await expect(notice).toHaveText(/^Reclamação #\d+ registrada/);
  return /#(\d+)/.exec((await notice.textContent()) ?? '')?.[1] ?? '';
}

/** The agent takes the complaint's waiting card once a poll brought it in. */
async function takeComplaint(ana: Page, content: string): Promise<void> {
  await card(ana, content).click(POLLED);
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(ana)).toContainText(content);
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
}

test('R-CH-06 R-CH-07 R-CH-10 a complaint filed on the Reclame Aqui simulator is taken, answered privately and publicly, evaluation requested and the evaluation card arrives', async ({ server, newContext }) => {
  test.setTimeout(240_000);
  if (!server.hugmeSimulatorUrl) throw new Error('the server printed no Reclame Aqui simulator address');
  const consumer = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');

  // The consumer files the complaint on the simulator page.
  await consumer.goto(`${server.hugmeSimulatorUrl}/`);
  await expectNoAxeViolations(consumer, 'the Reclame Aqui simulator page');
  const id = await fileComplaint(consumer, COMPLAINT);
  const filed = complaintCard(consumer, id);
  await expect(filed).toContainText('Não respondida');

  // It waits for Suporte (the account's team) after the next poll; Ana takes it.
  await takeComplaint(ana, COMPLAINT.content);

  // The header: title, the complaint's id, its status, a link to its page.
  const header = ana.getByTestId('ra-header');
  await expect(header).toContainText(COMPLAINT.title);
  await expect(ana.getByTestId('ra-complaint-id')).toHaveText(id);
  await expect(ana.getByTestId('ra-status')).toContainText('Não respondida');
  await expect(ana.getByTestId('ra-complaint-link')).toHaveAttribute('href', new RegExp(`_${id}/$`));

  // A private answer by default: it reaches the consumer's e-mail (the fake refuses any other address).
  const composer = ana.getByRole('textbox', { name: 'Mensagem' });
  await expect(composer).toBeEnabled();
  await expect(ana.getByTestId('ra-composer-mode')).toContainText('Resposta privada');
  await composer.fill(PRIVATE_ANSWER);
  await ana.getByRole('button', { name: 'Enviar', exact: true }).click();
  await expect(agentMessage(ana, PRIVATE_ANSWER).getByTestId('ra-visibility')).toHaveText('Privada');
  const privateOnPage = filed.locator('li.interaction.company', { hasText: PRIVATE_ANSWER });
  await expect(privateOnPage).toContainText('Privada', POLLED);

  // Then "Responder publicamente": the answer everyone sees on the site.
  await ana.getByTestId('ra-public-toggle').click();
  await expect(ana.getByTestId('ra-composer-mode')).toContainText('Resposta pública');
  await composer.fill(PUBLIC_ANSWER);
  await ana.getByRole('button', { name: 'Enviar', exact: true }).click();
  await expect(agentMessage(ana, PUBLIC_ANSWER).getByTestId('ra-visibility')).toHaveText('Pública');
  // The composer went back to private by itself, and says so (a polite live region).
  await expect(ana.getByTestId('ra-public-sent')).toHaveText('Resposta pública na fila de envio. A próxima resposta será privada.');
  await expect(ana.getByTestId('ra-public-sent')).toHaveAttribute('role', 'status');
  await expect(ana.getByTestId('ra-composer-mode')).toContainText('Resposta privada');
  await expect(filed.locator('li.interaction.company', { hasText: PUBLIC_ANSWER })).toContainText('Pública', POLLED);
  await expect(filed).toContainText('Respondida');

  // The finish dialog offers "Solicitar avaliação" now that the company answered publicly; it does not finish.
  await ana.getByRole('button', { name: 'Finalizar atendimento' }).click();
  const finish = ana.getByRole('dialog', { name: 'Finalizar atendimento' });
  const request = finish.getByTestId('ra-request-evaluation');
  await expect(request).toBeEnabled(POLLED);
  // From the keyboard: the focus stays in the dialog, on the line saying where the request is,
  // and the button waits while the request is on its way and once it was accepted.
  await request.focus();
  await ana.keyboard.press('Enter');
  const requested = finish.getByTestId('ra-evaluation-requested');
  await expect(requested).toBeFocused();
  await expect(request).toBeDisabled();
  await expect(requested).toContainText('Avaliação solicitada', POLLED);
  await expect(request).toBeDisabled();
  await finish.getByRole('button', { name: 'Cancelar' }).click();
  await expect(composer).toBeEnabled();
  await expect(filed.getByText('A empresa pediu a sua avaliação.')).toBeVisible(POLLED);

  // The consumer evaluates on the simulator page; the card arrives in Ana's conversation.
  await filed.getByLabel('Nota (0 a 10)').selectOption('9');
  await filed.getByLabel('Problema resolvido').check();
  await filed.getByLabel('Voltaria a fazer negócio').check();
  await filed.getByLabel('Comentário da avaliação').fill('Trocaram rápido, obrigado.');
  await consumer.getByTestId(`evaluate-${id}`).click();
  await expect(filed).toContainText('Sua avaliação: nota 9; problema resolvido: Sim; voltaria a fazer negócio: Sim.');
  const evaluation = messageLog(ana).getByTestId('ra-evaluation');
  await expect(evaluation).toBeVisible(POLLED);
  await expect(evaluation.getByTestId('ra-evaluation-rating')).toContainText('9');
  await expect(evaluation.getByTestId('ra-evaluation-comment')).toHaveText('Trocaram rápido, obrigado.');
  await expect(ana.getByTestId('ra-status')).toHaveAttribute('data-status', '18');
  await expect(ana.getByTestId('ra-status')).toContainText('Resolvida');
});

test('R-CH-06 an admin sees the demo Reclame Aqui account polled with no webhook, tests its connection, and adds one whose poll interval is checked', async ({ server, newContext }) => {
  if (!server.hugmeSimulatorUrl) throw new Error('the server printed no Reclame Aqui simulator address');
  const admin = await (await newContext()).newPage();
  await admin.setViewportSize({ width: 1366, height: 900 });
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/channels`);
  await expect(admin.getByRole('heading', { level: 1, name: 'Canais' })).toBeVisible();

  await admin.getByRole('row', { name: /Reclame Aqui \(demo\)/ }).getByRole('button', { name: 'Reclame Aqui (demo)' }).click();
  const detail = admin.getByRole('region', { name: 'Reclame Aqui (demo)' });
  await expect(detail).toContainText('Sem webhook: o Atende consulta o HugMe a cada 10 segundos.');
  await expect(detail.getByText(/URL de retorno/)).toHaveCount(0);
  await detail.getByRole('button', { name: 'Testar conexão' }).click();
  await expect(detail.getByRole('status')).toHaveText(/^Conectado ao Reclame Aqui/);

  await admin.getByRole('button', { name: 'Adicionar canal' }).click();
  await admin.getByRole('menuitem', { name: 'Reclame Aqui' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Adicionar conta do Reclame Aqui' });
  await dialog.getByLabel('Nome', { exact: true }).fill('Reclame Aqui Loja 2');
  await dialog.getByLabel('Equipe').selectOption({ label: 'Comercial' });
  await dialog.getByLabel('Client ID do HugMe').fill('outra-loja');
  await dialog.getByLabel('Client secret do HugMe').fill('segredo-da-outra-loja');
  await dialog.getByLabel('ID da empresa no Reclame Aqui').fill('777');
  await dialog.getByLabel('URL base da API').fill(server.hugmeSimulatorUrl);
  await dialog.getByLabel('Intervalo de consulta (segundos)').fill('5');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog.getByLabel('Intervalo de consulta (segundos)')).toHaveAccessibleDescription(/Use um número inteiro de 10 a 3600 segundos\./);
  await expectNoAxeViolations(admin, 'the Reclame Aqui account form with a problem');
  await dialog.getByLabel('Intervalo de consulta (segundos)').fill('60');
  await dialog.getByRole('button', { name: 'Salvar' }).click();

  const setup = admin.getByRole('dialog', { name: 'Como o Reclame Aqui chega ao Atende' });
  await expect(setup.getByRole('status').first()).toHaveText('Canal “Reclame Aqui Loja 2” salvo.');
  await expect(setup).toContainText('O Reclame Aqui não envia webhooks');
  await expect(setup).toContainText('Sem webhook: o Atende consulta o HugMe a cada 60 segundos.');
  await setup.getByRole('button', { name: 'Concluir' }).click();
  await expect(admin.getByRole('row', { name: /Reclame Aqui Loja 2/ })).toContainText('Comercial');
});

test('R-CH-09 an agent asks Reclame Aqui to moderate a complaint; Reclame Aqui accepts it on the simulator page and the header follows', async ({ server, newContext }) => {
  test.setTimeout(180_000);
  if (!server.hugmeSimulatorUrl) throw new Error('the server printed no Reclame Aqui simulator address');
  const consumer = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await consumer.goto(`${server.hugmeSimulatorUrl}/`);
  const duplicate = { ...COMPLAINT, title: 'Reclamação repetida', content: 'Mesma reclamação do pedido 4471, registrada de novo.' };
  const id = await fileComplaint(consumer, duplicate);
  await takeComplaint(ana, duplicate.content);

  await ana.getByTestId('ra-moderation').click();
  const dialog = ana.getByRole('dialog', { name: 'Solicitar moderação' });
  // The correct company's field is not called wrong the moment reason 1 brings it.
  await dialog.getByLabel('Motivo').selectOption({ label: 'Reclamação de outra empresa' });
  await expect(dialog.getByLabel('Empresa correta')).toBeVisible();
  await expect(dialog.getByText('Informe a empresa a quem a reclamação se destina.')).toHaveCount(0);
  await dialog.getByLabel('Motivo').selectOption({ label: 'Reclamação duplicada' });
  // Sent without the message: the focus goes to it, with its problem.
  await dialog.getByRole('button', { name: 'Enviar solicitação' }).click();
  await expect(dialog.getByLabel('Mensagem ao Reclame Aqui')).toBeFocused();
  await expect(dialog.getByLabel('Mensagem ao Reclame Aqui')).toHaveAccessibleDescription(/Escreva a mensagem ao Reclame Aqui\./);
  await dialog.getByLabel('Mensagem ao Reclame Aqui').fill(`Duplicada: a consumidora já registrou a reclamação do pedido 4471.`);
  await dialog.getByRole('button', { name: 'Enviar solicitação' }).click();
  await expect(ana.getByTestId('ra-moderation-status')).toHaveAttribute('data-state', 'pending', POLLED);

  // Reclame Aqui (the page) sees the request and accepts it; the next poll brings the decision.
  const filed = complaintCard(consumer, id);
  await expect(filed).toContainText('A empresa pediu moderação (Reclamação duplicada): aguardando a decisão do Reclame Aqui.');
  await consumer.getByTestId(`moderation-accept-${id}`).click();
  await expect(filed).toContainText('A empresa pediu moderação (Reclamação duplicada): aceita.');
  await expect(consumer.getByTestId(`moderation-accept-${id}`)).toBeHidden();
  await expect(ana.getByTestId('ra-moderation-status')).toHaveAttribute('data-state', 'accepted', POLLED);
  await expect(ana.getByTestId('ra-moderation-status')).toContainText('Moderação aceita');
});
