import type { Page } from '@playwright/test';
import { card, expect, messageLog, signIn, test } from './fixtures';

/**
 * Issue 12 layout at the app's smallest supported screen, 1280×800 (a newcomer's QA run): the
 * top bar fits for every role and language, the conversation's header shows the whole protocol
 * with the contact panel open, "Espiar" shows a complaint's header, a tooltip does not come back
 * over the complaint's header when a dialog gives focus back, and the Reclame Aqui simulator
 * page's form has no holes. HugMe has no webhooks: waits for a poll are bounds, not measures.
 */
const SCREEN = { width: 1280, height: 800 };
const POLLED = { timeout: 45_000 };
const LANGUAGES = [
  { name: 'Português (Brasil)', signOut: 'Sair', protocol: 'Protocolo' },
  { name: 'English', signOut: 'Sign out', protocol: 'Protocol' },
  { name: 'Español', signOut: 'Salir', protocol: 'Protocolo' },
] as const;

async function chooseLanguage(page: Page, language: string): Promise<void> {
  await page.getByTestId('agent-name').click();
  await page.getByRole('menuitemradio', { name: language }).click();
  await expect(page.getByRole('menu')).toHaveCount(0);
}

/** The page is no wider than the window (no sideways scroll). */
async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
  expect(widths.page, `${what}: page width`).toBeLessThanOrEqual(widths.window);
}

/** Two frames: what a focus change renders (a tooltip) is on screen by then. */
const frames = (page: Page): Promise<void> =>
  page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));

async function fileComplaint(consumer: Page, title: string, content: string): Promise<void> {
  const form = consumer.locator('#complaint');
  await form.getByLabel('Título').fill(title);
  await form.getByLabel('Relato').fill(content);
  await form.getByRole('button', { name: 'Registrar reclamação' }).click();
  await expect(form.getByRole('status')).toHaveText(/^Reclamação #\d+ registrada/);
}

test('R-WS-01 issue 12: at 1280×800 the top bar fits for the agent, the supervisor and the admin in every language, "Sair" on screen', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  for (const email of ['ana@demo.local', 'carla@demo.local', 'admin@demo.local']) {
    const page = await (await newContext()).newPage();
    await page.setViewportSize(SCREEN);
    await signIn(page, server, email);
    for (const language of LANGUAGES) {
      await chooseLanguage(page, language.name);
      const signOut = page.getByRole('banner').getByRole('button', { name: language.signOut, exact: true });
      await expect.soft(signOut, `${email} in ${language.name}`).toBeInViewport({ ratio: 1 });
      await expectNoSidewaysScroll(page, `${email} in ${language.name}`);
    }
    await page.context().close();
  }
});

test('R-WS-01 issue 12: at 1280×800 the top bar\'s short items keep their names, show their words on keyboard focus and still work by keyboard', async ({ server, newContext }) => {
  const carla = await (await newContext()).newPage();
  await carla.setViewportSize(SCREEN);
  await signIn(carla, server, 'carla@demo.local');
  const bar = carla.getByRole('banner');
  const sound = bar.getByRole('checkbox', { name: 'Alertas sonoros' });
  await expect(sound).toBeVisible();
  await expect(bar.getByRole('checkbox', { name: 'Notificações' })).toBeVisible();
  await expect(bar.getByRole('button', { name: 'Abrir painel de supervisão' })).toBeVisible();
  await bar.getByRole('button', { name: 'Sair', exact: true }).focus();
  await carla.keyboard.press('Shift+Tab');
  await carla.keyboard.press('Shift+Tab');
  await expect(sound).toBeFocused();
  await expect(carla.getByRole('tooltip').filter({ hasText: 'Alertas sonoros' })).toBeVisible();
  await carla.keyboard.press('Space');
  await expect(sound).not.toBeChecked();
  await carla.keyboard.press('Shift+Tab');
  await expect(carla.getByRole('tooltip').filter({ hasText: 'Abrir painel de supervisão' })).toBeVisible();
});

test('issue 12: the Reclame Aqui simulator page\'s complaint form has no holes under "Título" and "Relato"', async ({ server, newContext }) => {
  if (!server.hugmeSimulatorUrl) throw new Error('the server printed no Reclame Aqui simulator address');
  const consumer = await (await newContext()).newPage();
  await consumer.setViewportSize(SCREEN);
  await consumer.goto(`${server.hugmeSimulatorUrl}/`);
  const form = consumer.locator('#complaint');
  const title = await form.getByLabel('Título').boundingBox();
  const content = await form.getByLabel('Relato').boundingBox();
  const button = await form.getByRole('button', { name: 'Registrar reclamação' }).boundingBox();
  if (!title || !content || !button) throw new Error('the simulator form is not laid out');
  // A label's height and the gaps lie between them (QA saw ~150 px more under each).
  expect.soft(content.y - (title.y + title.height), 'from "Título" to "Relato"').toBeLessThan(60);
  expect.soft(button.y - (content.y + content.height), 'from "Relato" to the button').toBeLessThan(40);
});

test('R-CH-06 R-WS-18 issue 12: "Espiar" shows the complaint\'s header; taken, the header shows the whole protocol in every language; a dialog giving focus back brings no tooltip, Tab does', async ({ server, newContext }) => {
  test.setTimeout(180_000);
  if (!server.hugmeSimulatorUrl) throw new Error('the server printed no Reclame Aqui simulator address');
  const consumer = await (await newContext()).newPage();
  await consumer.goto(`${server.hugmeSimulatorUrl}/`);
  const complaint = 'Meu pedido 5512 chegou sem a tampa e sem nota fiscal.';
  await fileComplaint(consumer, 'Pedido incompleto', complaint);

  const ana = await (await newContext()).newPage();
  await ana.setViewportSize(SCREEN);
  await signIn(ana, server, 'ana@demo.local');
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await expect(card(ana, complaint)).toBeVisible(POLLED);
  await card(ana, complaint).locator('xpath=..').getByRole('button', { name: 'Espiar' }).click();
  const peek = ana.getByTestId('peek');
  await expect(peek).toContainText('Somente leitura');
  await expect.soft(peek.getByTestId('ra-header')).toContainText('Pedido incompleto');
  await expect.soft(peek.getByTestId('ra-status')).toContainText('Não respondida');
  await peek.getByRole('button', { name: 'Puxar atendimento' }).click();
  await expect(messageLog(ana)).toContainText(complaint);
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();

  // With the contact panel open, the protocol is whole (not cut by the header's width).
  await expect(ana.getByRole('complementary', { name: 'Contato' }).getByTestId('contact-name')).toBeVisible();
  const protocol = ana.getByTestId('protocol');
  await expect(protocol).toHaveText(/^\d{8}-\d{6}$/);
  for (const language of LANGUAGES) {
    await chooseLanguage(ana, language.name);
    await expect(ana.getByTestId('conversation-channel')).toBeVisible();
    await expect.soft(protocol, `the protocol in ${language.name}`).toBeInViewport({ ratio: 1 });
    await expectNoSidewaysScroll(ana, `the conversation in ${language.name}`);
  }
  await chooseLanguage(ana, LANGUAGES[0].name);

  // A dialog that closes gives focus back to its icon without its tooltip over the complaint's header…
  const moderation = ana.getByTestId('ra-moderation');
  const hint = ana.getByRole('tooltip').filter({ hasText: 'Solicitar moderação' });
  await moderation.click();
  const dialog = ana.getByRole('dialog', { name: 'Solicitar moderação' });
  await dialog.getByRole('button', { name: 'Cancelar' }).click();
  await expect(dialog).toHaveCount(0);
  await ana.mouse.move(1, SCREEN.height - 1);
  await expect(moderation).toBeFocused();
  await frames(ana);
  await expect.soft(hint, 'after "Cancelar"').toHaveCount(0);
  // …also when it closes with Esc…
  await moderation.click();
  await expect(dialog).toBeVisible();
  await ana.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await ana.mouse.move(1, SCREEN.height - 1);
  await expect(moderation).toBeFocused();
  await frames(ana);
  await expect.soft(hint, 'after Esc').toHaveCount(0);
  // …while a keyboard user who reaches the icon with Tab still gets it.
  await ana.keyboard.press('Shift+Tab');
  await ana.keyboard.press('Tab');
  await expect(moderation).toBeFocused();
  await expect(hint).toBeVisible();
});
