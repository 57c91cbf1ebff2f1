import { expectNoAxeViolations, useTheme } from './axe';
import { card, expect, fillPrechat, messageLog, signIn, test, visitorSends } from './fixtures';

/**
 * Content administration (issue 15 point 6, R-RT-05): the admin writes a predefined message with
 * variables for Suporte and an article for the website chat; the visitor reads the article before
 * chatting, and Ana, of Suporte, inserts the message with the customer's name filled in.
 */
test('R-RT-05 R-WS-04 a predefined message with {cliente} reaches the team’s agent filled in, and a new article shows in the widget', async ({ server, newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/predefined`);
  await expect(admin.getByRole('heading', { name: 'Mensagens predefinidas' })).toBeVisible();
  const list = admin.getByRole('table', { name: 'Mensagens predefinidas' });
  await expect(list.getByRole('row', { name: /Tabela de preços/ })).toContainText('Todas as equipes');

  await admin.getByRole('button', { name: 'Nova mensagem' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Nova mensagem predefinida' });
  await dialog.getByLabel('Equipe').selectOption({ label: 'Suporte' });
  await dialog.getByLabel('Texto').fill('Olá , aqui é {agente}. Seu pedido: {pedido}');
  // The variable buttons insert at the cursor; a name that is no variable is pointed out.
  await dialog.getByLabel('Texto').evaluate((field: HTMLTextAreaElement) => field.setSelectionRange(4, 4));
  await dialog.getByRole('button', { name: '{cliente}' }).click();
  await expect(dialog.getByLabel('Texto')).toHaveValue('Olá {cliente}, aqui é {agente}. Seu pedido: {pedido}');
  await expect(dialog.getByText('Estas variáveis não existem e serão enviadas como estão: {pedido}.')).toBeVisible();
  await expect(dialog.getByTestId('predefined-preview')).toHaveText('Olá Maria Oliveira, aqui é Administrador. Seu pedido: {pedido}');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog.getByText('Informe o título (até 200 caracteres).')).toBeVisible();
  await expect(dialog.getByLabel('Título')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(admin, 'the predefined message form with a problem');
  await dialog.getByLabel('Título').fill('Boas-vindas com nome');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(list.getByRole('row', { name: /Boas-vindas com nome/ })).toContainText('Suporte');
  await expectNoAxeViolations(admin, 'the predefined messages screen');
  await useTheme(admin, 'dark');
  await expectNoAxeViolations(admin, 'the predefined messages screen, dark theme');

  await admin.getByRole('link', { name: 'Artigos' }).click();
  await admin.getByRole('button', { name: 'Novo artigo' }).click();
  const article = admin.getByRole('dialog', { name: 'Novo artigo' });
  await article.getByLabel('Título').fill('Prazo de entrega');
  await article.getByLabel('Texto').fill('Entregamos em até 5 dias úteis em todo o Brasil.');
  await article.getByLabel('Ordem').fill('1');
  await article.getByRole('button', { name: 'Salvar' }).click();
  await expect(article).toHaveCount(0);
  await expect(admin.getByRole('table', { name: 'Artigos' }).getByRole('row', { name: /Prazo de entrega/ })).toContainText('Todos os chats do site');
  await expectNoAxeViolations(admin, 'the articles screen');

  // The visitor reads it before chatting, then writes.
  const visitor = await (await newContext()).newPage();
  await visitor.goto(`${server.url}/demo/`);
  await visitor.getByRole('button', { name: 'Fale conosco' }).click();
  await visitor.getByText('Prazo de entrega').click();
  await expect(visitor.getByText('Entregamos em até 5 dias úteis em todo o Brasil.')).toBeVisible();
  await fillPrechat(visitor, { name: 'Joana Prado', email: 'joana@example.com' });
  await visitorSends(visitor, 'Quando chega meu pedido?');

  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await card(ana, 'Quando chega meu pedido?').click();
  await expect(messageLog(ana)).toContainText('Quando chega meu pedido?');
  const field = ana.getByRole('textbox', { name: 'Mensagem' });
  await expect(field).toBeEnabled();
  await ana.getByRole('button', { name: 'Mensagens predefinidas' }).click();
  await ana.getByRole('option', { name: /Boas-vindas com nome/ }).click();
  await expect(field).toHaveValue('Olá Joana Prado, aqui é Ana Souza. Seu pedido: {pedido}');
});
