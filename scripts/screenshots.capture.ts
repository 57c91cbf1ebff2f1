import path from 'node:path';
import type { Page } from '@playwright/test';
import { useTheme, type Theme } from '../e2e/axe';
import {
  card, expect, messageLog, openWidget, root, signIn, test, visitorSends,
} from '../e2e/fixtures';

const OUT = path.join(root, 'docs/screenshots');
const shot = (page: Page, name: string, theme: Theme) => page.screenshot({ path: path.join(OUT, `${name}-${theme}.png`) });

/** The main screens in both themes at 1366×768, the size most contact-centre desks run. */
for (const theme of ['light', 'dark'] as const) {
  test(`screenshots (${theme})`, async ({ server, newContext }) => {
    const agent = await (await newContext()).newPage();
    await agent.setViewportSize({ width: 1366, height: 768 });
    await agent.goto(`${server.url}/`);
    await useTheme(agent, theme);
    await expect(agent.getByRole('button', { name: 'Entrar' })).toBeVisible();
    await shot(agent, 'login', theme);

    await signIn(agent, server, 'ana@demo.local');
    // Three customers with names (the pre-chat form), so the cards differ by more than a line.
    const customers = [
      ['Mariana Lima', 'Meu pedido 4521 ainda não chegou'],
      ['João Pereira', 'Quero trocar o tamanho da camiseta'],
      ['Beatriz Santos', 'Como emito a segunda via do boleto?'],
    ] as const;
    const visitors: Page[] = [];
    for (const [name, text] of customers) {
      const visitor = await (await newContext()).newPage();
      await visitor.setViewportSize({ width: 480, height: 720 });
      await visitor.emulateMedia({ colorScheme: theme });
      await openWidget(visitor, server, { name, email: `${name.split(' ')[0]!.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase()}@example.com` });
      await visitorSends(visitor, text);
      await expect(card(agent, text)).toBeVisible();
      visitors.push(visitor);
    }
    await shot(agent, 'waiting', theme);

    await card(agent, customers[0][1]).click();
    await expect(messageLog(agent)).toContainText(customers[0][1]);
    const composer = agent.getByRole('textbox', { name: 'Mensagem' });
    await expect(composer).toBeEnabled();
    await composer.fill('Olá, Mariana! Vou verificar o pedido 4521 agora.');
    await composer.press('Enter');
    await expect(messageLog(agent)).toContainText('Vou verificar');
    await visitorSends(visitors[0]!, 'Obrigada! O número é 4521.');
    await expect(messageLog(agent)).toContainText('O número é 4521');
    await shot(agent, 'conversation', theme);
    await shot(visitors[0]!, 'widget', theme);

    // The contact panel's shared notes, and the add-contact form with a message under a field.
    await agent.getByRole('tab', { name: 'Anotações' }).click();
    await agent.getByLabel('Nova anotação').fill('Cliente prefere contato à tarde. Pedido 4521 com a transportadora.');
    await agent.getByRole('button', { name: 'Adicionar anotação' }).click();
    await expect(agent.getByRole('complementary', { name: 'Contato' })).toContainText('Pedido 4521 com a transportadora');
    await shot(agent, 'notes', theme);
    await agent.getByRole('button', { name: 'Adicionar contato' }).click();
    const form = agent.getByRole('dialog', { name: 'Adicionar contato' });
    await form.getByLabel(/Nome/).fill('Oficina Central (Ltda)');
    await form.getByLabel(/WhatsApp/).fill('1198765');
    await form.getByLabel(/E-mail/).focus();
    await shot(agent, 'add-contact', theme);
    await agent.keyboard.press('Escape');

    const supervisor = await (await newContext()).newPage();
    await supervisor.setViewportSize({ width: 1366, height: 768 });
    await signIn(supervisor, server, 'carla@demo.local');
    await useTheme(supervisor, theme);
    await supervisor.goto(`${server.url}/#/supervisor/conversations`);
    await expect(supervisor.getByRole('main')).toContainText('Mariana Lima');
    await shot(supervisor, 'supervisor', theme);
  });
}
