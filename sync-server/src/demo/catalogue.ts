import type { z } from 'zod';
import type {
  CreateArticleBody, CreateDispositionBody, CreatePredefinedBody, CreateTagBody, CreateTeamInput, CreateUserBody, FlowBody,
} from '@atende/protocol';

/**
 * What the demo organisation holds, written as the bodies the admin screens send (issue 15): the
 * seed passes each through the protocol schema and the admin service, as the `/api/admin/*`
 * routes do. Ids and texts here are what the tests and the agent manual's walkthroughs rely on.
 */

/** A fixed id key (the id after its `type:` prefix) with the body that creates it. */
type Keyed<B> = readonly [key: string, body: B];

export const DEMO_TEAMS: ReadonlyArray<readonly [id: string, body: CreateTeamInput]> = [
  // Both demo teams allow the internal chat (R-WS-12); their ids come from their names.
  ['team:suporte', { name: 'Suporte', dispositionRequired: false, internalChat: true }],
  ['team:comercial', { name: 'Comercial', dispositionRequired: false, internalChat: true }],
];

export const DEMO_ACCOUNTS = [
  { email: 'ana@demo.local', name: 'Ana Souza', role: 'agent', teams: ['team:suporte'] },
  { email: 'bruno@demo.local', name: 'Bruno Lima', role: 'agent', teams: ['team:suporte'] },
  { email: 'carla@demo.local', name: 'Carla Mendes', role: 'supervisor', teams: ['team:suporte', 'team:comercial'] },
  { email: 'admin@demo.local', name: 'Administrador', role: 'admin', teams: ['team:suporte', 'team:comercial'] },
] as const;

/** The demo agents' phone extensions ("ramal", R-WS-11), which click-to-call dials from (R-WS-16). */
export const DEMO_EXTENSIONS: Readonly<Record<string, string>> = { 'ana@demo.local': '2001', 'bruno@demo.local': '2002', 'carla@demo.local': '2003' };

/** Other teams' history (R-WS-05): Bruno may read it, Ana may not — the demo shows both sides. */
const DEMO_PERMISSIONS: Readonly<Record<string, { historyOtherTeams: boolean }>> = {
  'ana@demo.local': { historyOtherTeams: false },
  'bruno@demo.local': { historyOtherTeams: true },
};

/** The user form's body for a demo account; its id key is the e-mail's local part (`user:ana`). */
export function demoUserBody(account: (typeof DEMO_ACCOUNTS)[number]): Keyed<CreateUserBody> {
  const permissions = DEMO_PERMISSIONS[account.email];
  return [account.email.split('@')[0] ?? account.email, {
    name: account.name, email: account.email, role: account.role, teamIds: [...account.teams], maxConcurrent: 5,
    ...(permissions ? { permissions } : {}),
  }];
}

// Internal tags (R-WS-05), defined by the admin; colours are data, chosen to read on light and dark.
export const DEMO_TAGS: ReadonlyArray<Keyed<CreateTagBody>> = [
  ['reclamacao', { name: 'Reclamação', color: '#c2410c' }],
  ['elogio', { name: 'Elogio', color: '#15803d' }],
  ['urgente', { name: 'Urgente', color: '#b91c1c' }],
  ['financeiro', { name: 'Financeiro', color: '#1d4ed8' }],
];

/** The predefined message that carries the price list (R-WS-04): its file is uploaded first, as the form does. */
export const DEMO_PRICE_LIST_KEY = 'precos';
export const DEMO_PREDEFINED: ReadonlyArray<Keyed<Omit<CreatePredefinedBody, 'mediaIds'>>> = [
  ['saudacao', { teamId: 'team:suporte', title: 'Saudação', text: 'Olá! Meu nome é {agente}. Como posso ajudar?' }],
  ['aguarde', { teamId: null, title: 'Aguarde', text: 'Um momento, por favor, estou verificando.' }],
  [DEMO_PRICE_LIST_KEY, { teamId: null, title: 'Tabela de preços', text: 'Segue a nossa tabela de preços.' }],
  ['encerramento', { teamId: 'team:suporte', title: 'Encerramento', text: 'Obrigado pelo contato! Tenha um ótimo dia.' }],
  ['proposta', { teamId: 'team:comercial', title: 'Proposta', text: 'Vou preparar uma proposta e envio em seguida.' }],
];

export const DEMO_DISPOSITIONS: ReadonlyArray<Keyed<CreateDispositionBody>> = [
  ['duvida', { teamId: 'team:suporte', name: 'Dúvida resolvida' }],
  ['tecnico', { teamId: 'team:suporte', name: 'Problema técnico' }],
  ['venda', { teamId: 'team:comercial', name: 'Venda realizada' }],
];

export const DEMO_WEBCHAT_ACCOUNT = 'demo-site';
export const DEMO_WEBCHAT_NAME = 'Site de demonstração';
/** Pre-chat form on, asking and requiring name and e-mail (issue 9, R-CH-02). */
export const DEMO_WEBCHAT_CONFIG = { prechat: { enabled: true, fields: ['name', 'email'], required: ['name', 'email'] } };

/**
 * Articles before chatting (R-RT-05), on the demo site only (a website chat an admin adds starts
 * with none). Orders leave room below: an admin's article ordered 1 or 2 comes first.
 */
export const DEMO_ARTICLES: ReadonlyArray<Keyed<CreateArticleBody>> = [
  ['pedido', {
    title: 'Como acompanhar meu pedido', order: 10, accountIds: [`channel:${DEMO_WEBCHAT_ACCOUNT}`],
    body: 'Acesse "Meus pedidos" com o seu e-mail e o número do pedido. O código de rastreio chega por e-mail assim que o pedido é despachado.',
  }],
  ['trocas', {
    title: 'Trocas e devoluções', order: 20, accountIds: [`channel:${DEMO_WEBCHAT_ACCOUNT}`],
    body: 'Você tem até 7 dias após o recebimento para devolver um produto. Guarde a embalagem original e fale conosco para receber a etiqueta de envio.',
  }],
  ['pagamento', {
    title: 'Formas de pagamento', order: 30, accountIds: [`channel:${DEMO_WEBCHAT_ACCOUNT}`],
    body: 'Aceitamos cartão de crédito em até 10 vezes, Pix e boleto bancário. O boleto vence em 3 dias úteis.',
  }],
];

/**
 * A sample chatbot flow (R-RT-04) to open in "Fluxos": saved INACTIVE, and on Comercial, which no
 * demo channel enters, so the demo behaves as without it — a visitor's conversation opens waiting
 * in Suporte. Its first trigger follows the entry team's rule (> 1 h without interaction) anyway,
 * so an admin who turns it on for an entry team meets no surprise.
 */
export const DEMO_SAMPLE_FLOW: readonly [teamId: string, body: z.input<typeof FlowBody>] = ['team:comercial', {
  active: false,
  triggers: [
    {
      id: 'boas-vindas', name: 'Boas-vindas',
      conditions: { hours: { op: '>', hours: 1 } },
      message: {
        text: 'Olá! Você está falando com o Comercial. Escolha uma opção:',
        options: [{ label: 'Orçamento', teamId: 'team:comercial' }, { label: 'Suporte técnico', teamId: 'team:suporte' }],
      },
    },
    {
      id: 'suporte', name: 'Pedido de suporte',
      conditions: { keywords: 'defeito, não funciona, suporte' },
      message: { text: 'Vou chamar o time de Suporte.' }, moveToTeamId: 'team:suporte',
    },
  ],
}];
