import type { Locator } from '@playwright/test';
import { card, customerWrites, expect, messageLog, openPhone, signIn, test } from './fixtures';

/**
 * The workstation keeps working around its side tools (issue 13 QA): a call through the system's
 * `tel:` handler must not leave the page half-unloaded.
 */

test('R-WS-16 after the call button dials through tel:, the conversation still opens its options and sends a reply', async ({ server, newContext }) => {
  const phone = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await openPhone(phone, server, { phone: '5511998765432', name: 'Paula Costa' });
  await customerWrites(phone, 'Podem me ligar?');
  await card(ana, 'Podem me ligar?').click();
  const button = ana.locator('header.head').getByTestId('call-button');
  await expect(button).toHaveAttribute('href', 'tel:+5511998765432');
  await button.click();

  await ana.getByRole('button', { name: 'Opções', exact: true }).click();
  await expect(ana.getByRole('menu')).toBeVisible();
  await ana.keyboard.press('Escape');
  await expect(ana.getByRole('menu')).toBeHidden();

  const composer = ana.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Liguei, mas não atendeu');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  await expect(messageLog(ana)).toContainText('Liguei, mas não atendeu');
  await expect(phone.getByText('Liguei, mas não atendeu')).toBeVisible();
});

/** Whether an element shows all its text (no ellipsis) and lies wholly inside the viewport. */
async function fitsWhole(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const inside = box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight;
    return inside && box.width > 0 && element.scrollWidth <= element.clientWidth;
  });
}

test('R-WS-12 at 1280×800 the internal chat leaves the conversation its room: the customer’s name stays whole and "Opções" inside the screen; the contact panel folds until asked back', async ({ server, newContext }) => {
  const phone = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await ana.setViewportSize({ width: 1280, height: 800 });
  await signIn(ana, server, 'ana@demo.local');
  await openPhone(phone, server, { phone: '5511912345678', name: 'Marcos Pereira' });
  await customerWrites(phone, 'Meu pedido não chegou');
  await card(ana, 'Meu pedido não chegou').click();

  const conversation = ana.getByRole('region', { name: 'Marcos Pereira' });
  const name = conversation.getByRole('heading', { name: 'Marcos Pereira' });
  const options = conversation.getByRole('button', { name: 'Opções', exact: true });
  // The 24 h badge and the call button beside it take no letter of the name.
  await expect(conversation.getByTestId('service-window')).toBeVisible();
  await expect(conversation.getByTestId('call-button')).toBeVisible();
  expect(await fitsWhole(name)).toBe(true);

  await ana.getByTestId('chat-toggle').click();
  await expect(ana.getByTestId('chat-panel')).toBeVisible();
  expect(await fitsWhole(name)).toBe(true);
  expect(await fitsWhole(options)).toBe(true);
  expect(await fitsWhole(conversation.getByRole('button', { name: 'Anexar arquivo' }))).toBe(true);
  await options.click();
  await expect(ana.getByRole('menu')).toBeVisible();
  await ana.keyboard.press('Escape');

  // The contact panel is folded, not gone: asking for it back gives it the chat's place.
  const contact = ana.getByRole('complementary', { name: 'Contato' });
  await contact.getByRole('button', { name: 'Expandir painel do contato' }).click();
  await expect(contact.getByTestId('contact-name')).toHaveText('Marcos Pereira');
  await expect(ana.getByTestId('chat-panel')).toBeHidden();
  expect(await fitsWhole(options)).toBe(true);
});
