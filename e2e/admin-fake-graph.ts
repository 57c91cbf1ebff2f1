/**
 * A WhatsApp number of Meta's to connect from the admin screen (issue 10 point 6): the fake Graph
 * endpoints on loopback (phone-number lookup, the WABA's templates in every status), in its own
 * process since the e2e runner does not load the server's sources. Prints `Graph: <baseUrl>`;
 * stops on SIGTERM. `node --import tsx e2e/admin-fake-graph.ts <phoneNumberId> <wabaId> <accessToken> <appSecret>`.
 */
import { FakeGraph } from '../sync-server/src/channels/whatsapp/simulator/graph.js';

const [phoneNumberId = '', wabaId = '', accessToken = '', appSecret = ''] = process.argv.slice(2);
const graph = await new FakeGraph({
  phoneNumberId, wabaId, accessToken, appSecret, displayPhoneNumber: '+55 11 93333-4444', verifiedName: 'Loja Vendas',
}).start();
graph.templates.push(
  {
    name: 'boas_vindas', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Olá {{1}}, aqui é a {{2}}. Podemos continuar seu atendimento?' }],
  },
  {
    name: 'lembrete_pagamento', language: 'pt_BR', status: 'PENDING', category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Olá {{1}}, seu boleto vence em {{2}}.' }],
  },
  {
    name: 'promocao_relampago', language: 'pt_BR', status: 'REJECTED', category: 'MARKETING', rejected_reason: 'PROMOTIONAL',
    components: [{ type: 'BODY', text: 'Só hoje: {{1}}!' }],
  },
  {
    name: 'oferta_antiga', language: 'pt_BR', status: 'PAUSED', category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Oferta: {{1}}' }],
  },
);
process.stdout.write(`Graph: ${graph.baseUrl}\n`);
process.once('SIGTERM', () => void graph.stop().then(() => process.exit(0)));
