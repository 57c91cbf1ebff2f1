import type { Page } from '@playwright/test';
import { card, expect, openWidget, signIn, test, visitorSends } from './fixtures';

/**
 * R-WS-17 with two agents and a supervisor in their own browsers: a colleague (Bruno) and the
 * supervisor (Carla) look at a waiting conversation with "Espiar"; Ana takes it and sees who is
 * looking; while Ana types, the others see "Ana Souza está digitando"; leaving clears the notice.
 */
const cardBox = (page: Page, text: string) => card(page, text).locator('xpath=..');
const collision = (page: Page) => page.getByTestId('collision');

test('R-WS-17 who else has a conversation open, and who types in it, shows on the conversation', async ({ server, newContext }) => {
  const page = async () => (await newContext()).newPage();
  const [ana, bruno, carla] = await Promise.all([page(), page(), page()]);
  await Promise.all([
    signIn(ana, server, 'ana@demo.local'),
    signIn(bruno, server, 'bruno@demo.local'),
    signIn(carla, server, 'carla@demo.local'),
  ]);
  const visitor = await page();
  await openWidget(visitor, server, { name: 'Paula Reis', email: 'paula@example.com' });
  const text = 'Alguém está vendo minha conversa?';
  await visitorSends(visitor, text);

  // Bruno (same team) and Carla (supervisor) look without taking it.
  for (const observer of [bruno, carla]) {
    await cardBox(observer, text).getByRole('button', { name: 'Espiar' }).click();
    await expect(observer.getByTestId('peek')).toBeVisible();
  }
  await expect(collision(bruno)).toHaveText('Carla Mendes está vendo');
  await expect(collision(carla)).toHaveText('Bruno Lima está vendo');

  // Ana takes it: both are named, grouped, and she is announced to them.
  await card(ana, text).click();
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
  await expect(collision(ana)).toHaveText('Bruno Lima e Carla Mendes estão vendo');
  await expect(collision(ana)).toHaveAttribute('aria-live', 'polite');
  await expect(collision(bruno)).toHaveText('Ana Souza e Carla Mendes estão vendo');

  // Ana types (slowly, so the indicator is checked while she is still at it); typing wins over viewing.
  const typing = ana.getByRole('textbox', { name: 'Mensagem' }).pressSequentially('Olá Paula, já estou vendo o seu caso', { delay: 150 });
  await expect(collision(bruno)).toContainText('Ana Souza está digitando');
  await expect(collision(bruno)).toContainText('Carla Mendes está vendo');
  await expect(collision(carla)).toContainText('Ana Souza está digitando');
  await typing;

  // Carla goes back to her lists, Bruno closes his window: Ana is alone again.
  await carla.getByTestId('peek').getByRole('button', { name: 'Voltar' }).click();
  await expect(collision(ana)).toHaveText('Bruno Lima está vendo');
  await bruno.close();
  await expect(collision(ana)).toHaveText('');
});
