import { expectNoAxeViolations } from './axe';
import { card, expect, openWidget, recordNotifications, shownNotifications, signIn, test, visitorSends } from './fixtures';

/**
 * R-WS-09 (issue 13): an agent picks a pause type in the top bar, sees its time run and takes no
 * conversation until the pause ends; the supervisor's board shows the pause live; the admin
 * defines the types on the "Pausas" screen.
 */
test('R-WS-09 ana pauses for "Café": the time runs, a waiting conversation is refused with the manual’s message until she ends it; carla’s board shows the pause', async ({ server, newContext }) => {
  const carla = await (await newContext()).newPage();
  await signIn(carla, server, 'carla@demo.local');
  const [board] = await Promise.all([
    carla.waitForEvent('popup'),
    carla.getByRole('button', { name: 'Abrir painel de supervisão' }).click(),
  ]);
  const anaRow = board.getByRole('table', { name: 'Agentes' }).getByRole('row', { name: /Ana Souza/ });

  const anaContext = await newContext();
  await recordNotifications(anaContext);
  const ana = await anaContext.newPage();
  // The smallest screen the layout promises: the pause's time and "Encerrar pausa" must still fit.
  await ana.setViewportSize({ width: 1280, height: 800 });
  await signIn(ana, server, 'ana@demo.local');
  await expect(anaRow).toContainText('Disponível');
  const menu = ana.getByTestId('pause-menu');
  await expect(menu.locator('option:checked')).toHaveText('Disponível');
  // A type with allowed hours says them (disabled outside them).
  await expect(menu.locator('option', { hasText: 'Almoço (11:00–15:00)' })).toHaveCount(1);
  await menu.selectOption({ label: 'Café' });
  await expect(menu.locator('option:checked')).toHaveText('Café');
  await expect(ana.getByTestId('pause-elapsed')).toHaveText(/^\d\d:\d\d$/);
  await expect(ana.getByTestId('pause-elapsed')).toHaveAttribute('aria-label', /^Tempo em pausa: \d\d:\d\d$/);
  await expect(anaRow).toContainText('Em pausa');
  await expect(anaRow.getByTestId('agent-pause')).toContainText('Café');
  await expect(ana.getByRole('banner').getByRole('button', { name: 'Sair', exact: true })).toBeInViewport({ ratio: 1 });
  expect(await ana.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll').toBe(true);
  await expectNoAxeViolations(ana, 'the top bar during a pause');

  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Tem alguém aí?');
  // Paused, she is not called to it, and opening it shows it read-only with "Puxar atendimento" disabled and why.
  await card(ana, 'Tem alguém aí?').click();
  const peek = ana.getByTestId('peek');
  await expect(peek.getByRole('button', { name: 'Puxar atendimento' })).toBeDisabled();
  await expect(peek.getByTestId('take-paused')).toHaveText('Você está em pausa');
  await expect(ana.getByRole('tab', { name: /Em espera/ })).toHaveAttribute('aria-selected', 'true');

  await ana.getByRole('button', { name: 'Encerrar pausa' }).click();
  await expect(menu.locator('option:checked')).toHaveText('Disponível');
  await expect(ana.getByTestId('pause-elapsed')).toHaveCount(0);
  await expect(anaRow.getByTestId('agent-pause')).toHaveCount(0);
  await expect(anaRow).toContainText('Disponível');
  await expect(peek.getByRole('button', { name: 'Puxar atendimento' })).toBeEnabled();
  await expect(peek.getByTestId('take-paused')).toHaveCount(0);
  // Available again, a new waiting conversation is announced; the one that came during the pause never was.
  const other = await (await newContext()).newPage();
  await openWidget(other, server, { name: 'Outra Pessoa', email: 'outra@example.com' });
  await visitorSends(other, 'Outra pergunta');
  await expect.poll(() => shownNotifications(ana)).toContainEqual(expect.stringMatching(/^Novo atendimento em espera: .*Outra pergunta/));
  expect((await shownNotifications(ana)).filter((shown) => shown.includes('Tem alguém aí?'))).toEqual([]);
  await card(ana, 'Tem alguém aí?').click();
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
});

test('R-WS-09 the admin adds a pause type on "Pausas": the form says what to fix, the list shows it, and agents are offered it', async ({ server, newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/pauses`);
  await expect(admin.getByRole('heading', { name: 'Pausas' })).toBeVisible();
  const list = admin.getByRole('table', { name: 'Tipos de pausa' });
  await expect(list.getByRole('row', { name: /Almoço/ })).toContainText('11:00–15:00');
  // Every cell of a row ends on the same line (the actions cell too), and "Remover" is a button like "Editar".
  const cells = list.getByRole('row', { name: /Almoço/ }).locator('th, td');
  const bottoms = await cells.evaluateAll((all) => all.map((cell) => Math.round(cell.getBoundingClientRect().bottom)));
  expect(new Set(bottoms).size, `row bottoms ${bottoms.join(', ')}`).toBe(1);
  const remove = list.getByRole('button', { name: 'Remover Almoço' });
  expect(await remove.evaluate((button) => getComputedStyle(button).borderTopColor)).not.toBe('rgba(0, 0, 0, 0)');

  await admin.getByRole('button', { name: 'Adicionar pausa' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Nova pausa' });
  // "Oferecer aos agentes": the box beside its label, as the channels' switch.
  const [box, label] = await Promise.all([
    dialog.getByRole('checkbox', { name: 'Oferecer aos agentes' }).boundingBox(), dialog.getByText('Oferecer aos agentes').boundingBox(),
  ]);
  expect(box && label && box.x + box.width <= label.x && Math.abs(box.y + box.height / 2 - (label.y + label.height / 2)) < 6).toBe(true);
  await dialog.getByLabel('Nome').fill('Reunião');
  await dialog.getByLabel('Tempo máximo').fill('0');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog.getByText('Informe um número inteiro de minutos, de 1 a 1440, ou deixe vazio.')).toBeVisible();
  await expect(dialog.getByLabel('Tempo máximo')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(admin, 'the pause type form with a problem');
  await dialog.getByLabel('Tempo máximo').fill('30');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(list.getByRole('row', { name: /Reunião/ })).toContainText('30 min');
  await expectNoAxeViolations(admin, 'the pause types screen');

  const bruno = await (await newContext()).newPage();
  await signIn(bruno, server, 'bruno@demo.local');
  await expect(bruno.getByTestId('pause-menu').locator('option', { hasText: 'Reunião' })).toHaveCount(1);
});
