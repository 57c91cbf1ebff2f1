import { describe, expect, it } from 'vitest';
import { CreateTagBody, fillPredefined, mayWritePredefined, unknownVariables } from '../src/content.js';
import { byName, nameKey } from '../src/names.js';

describe('R-RT-05 predefined message variables', () => {
  it('R-RT-05 R-WS-04 {cliente}, {agente} and {protocolo} are filled wherever they appear', () => {
    const text = 'Olá {cliente}! Sou {agente}. Protocolo {protocolo}; {cliente}, até logo.';
    expect(fillPredefined(text, { cliente: 'Maria', agente: 'Ana', protocolo: '20261121-000123' }))
      .toBe('Olá Maria! Sou Ana. Protocolo 20261121-000123; Maria, até logo.');
  });

  it('R-RT-05 unknown names and variables without a value stay as typed', () => {
    expect(fillPredefined('{pedido} de {cliente} por {agente}', { agente: 'Ana', cliente: '' })).toBe('{pedido} de {cliente} por Ana');
    expect(fillPredefined('{Cliente} {cliente }', { cliente: 'Maria' })).toBe('{Cliente} {cliente }');
  });

  it('R-RT-05 the form is told which {…} names are no variable, each once', () => {
    expect(unknownVariables('{cliente} {pedido} {pedido} {Agente} {protocolo}')).toEqual(['pedido', 'Agente']);
    expect(unknownVariables('sem variáveis')).toEqual([]);
  });
});

describe('R-RT-05 content rules', () => {
  it('R-RT-05 messages for every team are the admins’; a supervisor writes only their own teams’', () => {
    const sofia = { role: 'supervisor' as const, teamIds: ['team:suporte'] };
    expect(mayWritePredefined(sofia, 'team:suporte')).toBe(true);
    expect(mayWritePredefined(sofia, 'team:comercial')).toBe(false);
    expect(mayWritePredefined(sofia, null)).toBe(false);
    expect(mayWritePredefined({ role: 'admin', teamIds: [] }, null)).toBe(true);
    expect(mayWritePredefined({ role: 'agent', teamIds: ['team:suporte'] }, 'team:suporte')).toBe(false);
  });

  it('R-RT-05 tag names compare without case or accents; colours are #rrggbb', () => {
    expect(nameKey(' Reclamação ')).toBe(nameKey('reclamacao'));
    expect(nameKey('Reclamação')).not.toBe(nameKey('Reclamações'));
    expect(CreateTagBody.safeParse({ name: 'VIP', color: '#aa00FF' }).success).toBe(true);
    expect(CreateTagBody.safeParse({ name: 'VIP', color: 'red' }).success).toBe(false);
    expect(CreateTagBody.safeParse({ name: '  ', color: '#aa00ff' }).success).toBe(false);
  });
});

describe('R-RT-05 names listed in pt-BR order', () => {
  it('R-RT-05 R-RT-01 accented names sort beside their letter, not after z', () => {
    const names = ['Zeca', 'Ágata', 'alice', 'Éden'].map((name) => ({ name }));
    expect(names.sort(byName).map((n) => n.name)).toEqual(['Ágata', 'alice', 'Éden', 'Zeca']);
  });
});
