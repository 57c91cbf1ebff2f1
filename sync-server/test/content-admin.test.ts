import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article, DispositionDoc, PredefinedDoc, TagDoc, WebchatConfig } from '@atende/protocol';
import { ArticleService, DispositionService, PredefinedService, TagService } from '../src/content/index.js';
import { MediaService } from '../src/media/service.js';
import { simplePdf } from '../src/media/simplePdf.js';
import { addUser, call, clientId, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * Content administration (issue 15 point 6, R-RT-05): tags and articles are the admins'; the
 * predefined messages and dispositions of a team also its supervisors'. Real HTTP on a demo
 * server: Carla supervises both demo teams, Sofia only Suporte; Ana is an agent of Suporte,
 * Caio one of Comercial.
 */
let server: TestServer;
let admin: string;
let ana: string;
let sofia: string;
let caio: string;

type Answer = { error?: string; message?: string };

beforeAll(async () => {
  server = await startTestServer();
  await addUser(server, { key: 'sofia', name: 'Sofia Supervisora', email: 'sofia@demo.local', role: 'supervisor', teamIds: ['team:suporte'] });
  await addUser(server, { key: 'caio', name: 'Caio Comercial', email: 'caio@demo.local', role: 'agent', teamIds: ['team:comercial'] });
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [admin, ana, sofia, caio] = await Promise.all([token('admin'), token('ana'), token('sofia'), token('caio')]);
});
afterAll(() => server.close());

const api = <T>(method: string, route: string, token: string, body?: unknown) => call<T & Answer>(server, method, route, { token, body });

async function uploadPdf(token: string, filename: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(simplePdf('Catalogo', ['linha']))], { type: 'application/pdf' }), filename);
  const res = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('R-RT-05 tags', () => {
  it('R-RT-05 an admin creates, renames, recolours and removes a tag; every user receives it, then its tombstone', async () => {
    const made = await api<TagDoc>('POST', '/api/admin/tags', admin, { name: 'VIP', color: '#7c3aed' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ type: 'tag', name: 'VIP', color: '#7c3aed' });
    expect((await pullAll(server, ana, 'tags')).documents.map((d) => d.id)).toContain(made.body.id);

    const changed = await api<TagDoc>('PATCH', `/api/admin/tags/${made.body.id}`, admin, { name: 'Cliente VIP', color: '#6d28d9' });
    expect(changed).toMatchObject({ status: 200, body: { name: 'Cliente VIP', color: '#6d28d9' } });
    const listed = await api<{ tags: TagDoc[] }>('GET', '/api/admin/tags', admin);
    expect(listed.body.tags.map((t) => t.name)).toEqual(expect.arrayContaining(['Cliente VIP', 'Urgente']));

    // A conversation tagged with it keeps the id after the removal (the app shows nothing for it).
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Quero etiqueta');
    await api('POST', `/api/conversations/${conversationId}/claim`, ana, { id: clientId() });
    expect((await api('POST', `/api/conversations/${conversationId}/tags`, ana, { id: clientId(), tags: [made.body.id] })).status).toBe(200);

    expect((await api('DELETE', `/api/admin/tags/${made.body.id}`, admin)).status).toBe(204);
    expect((await api('DELETE', `/api/admin/tags/${made.body.id}`, admin)).status).toBe(404);
    const pulled = (await pullAll(server, ana, 'tags')).documents.find((d) => d.id === made.body.id);
    expect(pulled).toMatchObject({ _deleted: true });
    expect(pulled?.name).toBeUndefined();
    expect((await api<{ tags: TagDoc[] }>('GET', '/api/admin/tags', admin)).body.tags.map((t) => t.id)).not.toContain(made.body.id);
    expect(await server.store.get(conversationId)).toMatchObject({ tags: [made.body.id] });
    // Saving the conversation's tags again keeps the removed one without an error; adding it anew is refused.
    const kept = await api('POST', `/api/conversations/${conversationId}/tags`, ana, { id: clientId(), tags: [made.body.id, 'tag:urgente'] });
    expect(kept).toMatchObject({ status: 200, body: { conversation: { tags: [made.body.id, 'tag:urgente'] } } });
    const other = await visitorSays(server, await newVisitor(server), 'Outra conversa');
    await api('POST', `/api/conversations/${other.conversationId}/claim`, ana, { id: clientId() });
    const added = await api('POST', `/api/conversations/${other.conversationId}/tags`, ana, { id: clientId(), tags: [made.body.id] });
    expect(added).toMatchObject({ status: 422, body: { error: 'unknown_tag' } });
    // The name is free again.
    expect((await api('POST', '/api/admin/tags', admin, { name: 'cliente vip', color: '#000000' })).status).toBe(201);
  });

  it('R-RT-05 a name taken (case and accents aside) is a 409; a bad colour a 400; parallel creates make one tag', async () => {
    const dup = await api('POST', '/api/admin/tags', admin, { name: ' reclamacao ', color: '#111111' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'duplicate_tag' });
    expect(dup.body.message).toContain('Reclamação');
    const colour = await api('POST', '/api/admin/tags', admin, { name: 'Azul', color: 'blue' });
    expect(colour.status).toBe(400);
    expect(colour.body.message).toMatch(/color/);
    expect((await api('PATCH', '/api/admin/tags/tag:elogio', admin, { name: 'URGENTE' })).status).toBe(409);
    expect((await api('PATCH', '/api/admin/tags/tag:elogio', admin, {})).status).toBe(400);

    const replies = await Promise.all([1, 2, 3].map(() => api('POST', '/api/admin/tags', admin, { name: 'Corrida', color: '#222222' })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('R-RT-05 supervisors and agents may not change tags (403)', async () => {
    for (const token of [sofia, ana]) {
      expect((await api('GET', '/api/admin/tags', token)).status).toBe(403);
      expect((await api('POST', '/api/admin/tags', token, { name: 'Minha', color: '#333333' })).status).toBe(403);
    }
  });
});

describe('R-RT-05 predefined messages', () => {
  it('R-RT-05 R-WS-04 a message with a file for one team replicates to that team’s agents, who may read and send the file', async () => {
    const mediaId = await uploadPdf(admin, 'catalogo.pdf');
    const made = await api<PredefinedDoc>('POST', '/api/admin/predefined', admin, {
      teamId: 'team:suporte', title: 'Catálogo', text: 'Olá {cliente}, segue o catálogo. Protocolo {protocolo}.', mediaIds: [mediaId],
    });
    expect(made.status).toBe(201);
    expect(made.body.attachments).toEqual([expect.objectContaining({ mediaId, name: 'catalogo.pdf', kind: 'document' })]);

    expect((await pullAll(server, ana, 'predefined')).documents.map((d) => d.id)).toContain(made.body.id);
    expect((await pullAll(server, caio, 'predefined')).documents.map((d) => d.id)).not.toContain(made.body.id);
    const file = await fetch(`${server.url}/api/media/${mediaId}`, { headers: { authorization: `Bearer ${ana}` } });
    expect(file.status).toBe(200);

    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Tem catálogo?');
    expect((await api('POST', `/api/conversations/${conversationId}/claim`, ana, { id: clientId() })).status).toBe(200);
    const sent = await api('POST', `/api/conversations/${conversationId}/messages`, ana, {
      id: clientId(), text: 'Olá Visitante, segue o catálogo.', mediaIds: [mediaId], visibility: 'public',
    });
    expect(sent.status).toBeLessThan(300);
  });

  it('R-RT-05 files must exist and be the author’s own or the library’s; nothing is written otherwise', async () => {
    const anasFile = await uploadPdf(ana, 'da-ana.pdf');
    const before = (await api<{ predefined: PredefinedDoc[] }>('GET', '/api/admin/predefined', admin)).body.predefined.length;
    for (const mediaIds of [['media:NAOEXISTE0000'], [anasFile]]) {
      const refused = await api('POST', '/api/admin/predefined', admin, { teamId: 'team:suporte', title: 'X', text: 'Y', mediaIds });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ error: 'unknown_media' });
    }
    expect((await api<{ predefined: PredefinedDoc[] }>('GET', '/api/admin/predefined', admin)).body.predefined).toHaveLength(before);
    const tooMany = await api('POST', '/api/admin/predefined', admin, {
      teamId: 'team:suporte', title: 'X', text: 'Y', mediaIds: Array.from({ length: 11 }, (_, i) => `media:F${i}0000000000`),
    });
    expect(tooMany.status).toBe(400);
    expect((await api('POST', '/api/admin/predefined', admin, { teamId: 'team:suporte', title: ' ', text: 'Y' })).status).toBe(400);
  });

  it('R-RT-05 a supervisor manages only their own teams’ messages; for every team is the admins’; agents are refused', async () => {
    const own = await api<PredefinedDoc>('POST', '/api/admin/predefined', sofia, { teamId: 'team:suporte', title: 'Sofia', text: 'Oi {cliente}' });
    expect(own.status).toBe(201);
    expect((await api('POST', '/api/admin/predefined', sofia, { teamId: 'team:comercial', title: 'X', text: 'Y' })).status).toBe(404);
    const everyone = await api('POST', '/api/admin/predefined', sofia, { teamId: null, title: 'X', text: 'Y' });
    expect(everyone).toMatchObject({ status: 403, body: { error: 'all_teams_admin_only' } });
    expect((await api('PATCH', '/api/admin/predefined/predefined:proposta', sofia, { title: 'Minha' })).status).toBe(404);
    expect((await api('PATCH', '/api/admin/predefined/predefined:aguarde', sofia, { title: 'Minha' })).status).toBe(403);
    expect((await api('PATCH', `/api/admin/predefined/${own.body.id}`, sofia, { teamId: 'team:comercial' })).status).toBe(404);
    expect((await api('DELETE', '/api/admin/predefined/predefined:proposta', sofia)).status).toBe(404);

    const listed = (await api<{ predefined: PredefinedDoc[] }>('GET', '/api/admin/predefined', sofia)).body.predefined;
    expect(listed.every((p) => p.teamId === 'team:suporte')).toBe(true);
    expect(listed.map((p) => p.id)).toContain(own.body.id);
    expect((await api('GET', '/api/admin/predefined?teamId=team:comercial', sofia)).status).toBe(404);

    expect((await api('PATCH', `/api/admin/predefined/${own.body.id}`, sofia, { text: 'Olá {cliente}!' })).body).toMatchObject({ text: 'Olá {cliente}!' });
    expect((await api('DELETE', `/api/admin/predefined/${own.body.id}`, sofia)).status).toBe(204);
    expect((await pullAll(server, ana, 'predefined')).documents.find((d) => d.id === own.body.id)).toMatchObject({ _deleted: true });
    expect((await api('GET', '/api/admin/predefined', ana)).status).toBe(403);
  });

  it('R-RT-05 pushes follow the same rule: a supervisor pushes no message for another team or for every team, nor its files', async () => {
    const push = (doc: Record<string, unknown>) =>
      call(server, 'POST', '/api/sync/predefined/push', { token: sofia, body: [{ newDocumentState: doc, assumedMasterState: null }] });
    const base = { type: 'predefined', title: 'Push', text: 'Texto', createdAt: 0, updatedAt: 0 };
    expect((await push({ ...base, id: `predefined:${clientId()}`, teamId: 'team:comercial' })).status).toBe(403);
    expect((await push({ ...base, id: `predefined:${clientId()}`, teamId: null })).status).toBe(403);
    const id = `predefined:${clientId()}`;
    const attachment = { mediaId: 'media:QUALQUER00000', name: 'x.pdf', mimeType: 'application/pdf', size: 1, kind: 'document', thumbnail: false };
    expect((await push({ ...base, id, teamId: 'team:suporte', attachments: [attachment] })).status).toBe(200);
    expect((await server.store.get(id))?.attachments).toBeUndefined();
  });
});

describe('R-RT-05 R-WS-06 dispositions', () => {
  it('R-RT-05 one name per team (409), the same name in another team is fine; supervisors only in their teams', async () => {
    const made = await api<DispositionDoc>('POST', '/api/admin/dispositions', sofia, { teamId: 'team:suporte', name: 'Retorno agendado' });
    expect(made).toMatchObject({ status: 201, body: { teamId: 'team:suporte', name: 'Retorno agendado' } });
    const dup = await api('POST', '/api/admin/dispositions', admin, { teamId: 'team:suporte', name: 'retorno AGENDADO' });
    expect(dup).toMatchObject({ status: 409, body: { error: 'duplicate_disposition' } });
    expect((await api('POST', '/api/admin/dispositions', admin, { teamId: 'team:comercial', name: 'Retorno agendado' })).status).toBe(201);
    expect((await api('POST', '/api/admin/dispositions', sofia, { teamId: 'team:comercial', name: 'Outra' })).status).toBe(404);
    expect(await api('POST', '/api/admin/dispositions', admin, { teamId: 'team:nao-existe', name: 'Outra' }))
      .toMatchObject({ status: 422, body: { error: 'unknown_team', message: 'Equipe inexistente ou arquivada.' } });
    expect((await api('PATCH', '/api/admin/dispositions/disposition:venda', sofia, { name: 'Minha' })).status).toBe(404);
    expect((await api('PATCH', `/api/admin/dispositions/${made.body.id}`, sofia, { name: 'Problema técnico' })).status).toBe(409);

    const renamed = await api<DispositionDoc>('PATCH', `/api/admin/dispositions/${made.body.id}`, sofia, { name: 'Retorno marcado' });
    expect(renamed.body.name).toBe('Retorno marcado');
    const listed = (await api<{ dispositions: DispositionDoc[] }>('GET', '/api/admin/dispositions', sofia)).body.dispositions;
    expect(listed.every((d) => d.teamId === 'team:suporte')).toBe(true);
    expect(listed.map((d) => d.name)).toContain('Retorno marcado');
    expect((await pullAll(server, ana, 'dispositions')).documents.map((d) => d.id)).toContain(made.body.id);

    expect((await api('DELETE', `/api/admin/dispositions/${made.body.id}`, sofia)).status).toBe(204);
    expect((await pullAll(server, ana, 'dispositions')).documents.find((d) => d.id === made.body.id)).toMatchObject({ _deleted: true });
    expect((await api('POST', '/api/admin/dispositions', sofia, { teamId: 'team:suporte', name: 'Retorno marcado' })).status).toBe(201);
    expect((await api('GET', '/api/admin/dispositions', ana)).status).toBe(403);
  });
});

describe('R-RT-05 R-RT-01 content of an archived team', () => {
  it('R-RT-05 R-RT-01 no predefined message nor disposition is created for an archived team (422, nothing written)', async () => {
    const now = Date.now();
    await server.store.bulkWrite([{ _id: 'team:arquivada', type: 'team', name: 'Arquivada', dispositionRequired: false, archived: true, createdAt: now, updatedAt: now }]);
    const refused = { status: 422, body: { error: 'unknown_team', message: 'Equipe inexistente ou arquivada.' } };
    expect(await api('POST', '/api/admin/dispositions', admin, { teamId: 'team:arquivada', name: 'Tarde demais' })).toMatchObject(refused);
    expect(await api('POST', '/api/admin/predefined', admin, { teamId: 'team:arquivada', title: 'Tarde', text: 'demais' })).toMatchObject(refused);
    const written = await server.store.find({ selector: { teamId: 'team:arquivada' }, limit: 10 });
    expect(written.filter((d) => d.type === 'disposition' || d.type === 'predefined')).toEqual([]);
  });
});

describe('R-RT-05 articles', () => {
  const configOf = (account: string) => call<WebchatConfig>(server, 'GET', `/api/webchat/${account}/config`);

  it('R-RT-05 an admin’s article shows in the website chat it names, in order, before the account’s own', async () => {
    const other = await api<{ id: string }>('POST', '/api/admin/channels', admin, { kind: 'webchat', name: 'Loja', teamId: 'team:comercial' });
    expect(other.status).toBe(201);
    const second = await api<Article>('POST', '/api/admin/articles', admin, { title: 'Horário', body: 'Das 8h às 18h.', order: 2, accountIds: null });
    const first = await api<Article>('POST', '/api/admin/articles', admin, { title: 'Garantia', body: 'Um ano.', order: 1, accountIds: ['channel:demo-site'] });
    expect(first.status).toBe(201);

    const demo = (await configOf('demo-site')).body.articles.map((a) => a.title);
    expect(demo.slice(0, 2)).toEqual(['Garantia', 'Horário']);
    expect(demo).toContain('Trocas e devoluções');
    const loja = (await configOf(other.body.id.slice('channel:'.length))).body.articles;
    expect(loja).toEqual([{ id: second.body.id.slice('article:'.length), title: 'Horário', body: 'Das 8h às 18h.' }]);

    await api('PATCH', `/api/admin/articles/${first.body.id}`, admin, { accountIds: [other.body.id], order: 3 });
    expect((await configOf('demo-site')).body.articles.map((a) => a.title)).not.toContain('Garantia');
    expect((await configOf(other.body.id.slice('channel:'.length))).body.articles.map((a) => a.title)).toEqual(['Horário', 'Garantia']);

    expect((await api('DELETE', `/api/admin/articles/${second.body.id}`, admin)).status).toBe(204);
    expect((await configOf('demo-site')).body.articles.map((a) => a.title)).not.toContain('Horário');
    // The demo's own articles (seeded through this service) are listed too.
    const listed = (await api<{ articles: Article[] }>('GET', '/api/admin/articles', admin)).body.articles.map((a) => a.id);
    expect(listed).toContain(first.body.id);
    expect(listed).not.toContain(second.body.id);
  });

  it('R-RT-05 an unknown account is a 422, an empty title a 400; only admins manage articles', async () => {
    expect((await api('POST', '/api/admin/articles', admin, { title: 'X', body: 'Y', accountIds: ['channel:demo-whatsapp'] })).status).toBe(422);
    expect((await api('POST', '/api/admin/articles', admin, { title: '', body: 'Y' })).status).toBe(400);
    expect((await api('PATCH', '/api/admin/articles/article:nenhum', admin, { order: 1 })).status).toBe(404);
    for (const token of [sofia, ana]) expect((await api('POST', '/api/admin/articles', token, { title: 'X', body: 'Y' })).status).toBe(403);
  });
});

describe('R-RT-05 the services behind the screens', () => {
  it('R-RT-05 take the API’s bodies with a fixed id key (the demo seed’s path), a library file included', async () => {
    const admin = { id: 'user:admin', role: 'admin' as const, teamIds: [] };
    const file = await new MediaService(server.store).upload({
      bytes: simplePdf('Lista', ['linha']), filename: 'lista.pdf', channel: 'webchat', uploadedBy: 'user:admin', shared: true,
    });
    expect(await new TagService(server.store).create({ name: 'Semente', color: '#0f766e' }, 'semente')).toMatchObject({ id: 'tag:semente' });
    const predefined = await new PredefinedService(server.store, new MediaService(server.store))
      .create(admin, { teamId: null, title: 'Lista', text: 'Segue a lista.', mediaIds: [file.mediaId] }, 'lista');
    expect(predefined).toMatchObject({ id: 'predefined:lista', attachments: [file] });
    expect(await new DispositionService(server.store).create(admin, { teamId: 'team:comercial', name: 'Semente' }, 'semente'))
      .toMatchObject({ id: 'disposition:semente' });
    await new ArticleService(server.store).create({ title: 'Semente', body: 'Texto.', order: 9, accountIds: null }, 'semente');
    expect((await call<WebchatConfig>(server, 'GET', '/api/webchat/demo-site/config')).body.articles).toContainEqual({ id: 'semente', title: 'Semente', body: 'Texto.' });
  });
});
