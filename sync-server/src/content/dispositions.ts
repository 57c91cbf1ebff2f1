import {
  byName, contentErrors, docId, mayAdministerTeam, nameKey, notFound,
  type Actor, type CreateDispositionBody, type DispositionDoc, type UpdateDispositionBody,
} from '@atende/protocol';
import { updateDoc, type DocStore } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { isLive, liveById, liveOf, removedForm, writeNew } from './docs.js';
import type { NameClaims } from '../store/claims.js';
import { contentNameClaims } from './names.js';
import { assertTeamAdministered, listedTeams } from './teamScope.js';

const scopeOf = (teamId: string) => `disposition\n${teamId}`;

/**
 * Dispositions ("Tabulações", R-WS-06, R-RT-05): each team's list the agent picks from when
 * finishing; one name per team. Admins change any team's, supervisors their own teams'. A removed
 * one becomes a tombstone; finished conversations keep the id they were finished with.
 */
export class DispositionService {
  private readonly names: NameClaims;

  constructor(private readonly store: DocStore) {
    this.names = contentNameClaims(store, {
      currentName: async (id, scope) => {
        const found = await this.find(id);
        return found && scopeOf(found.teamId) === scope ? found.name : undefined;
      },
      duplicate: contentErrors.duplicateDisposition,
    });
  }

  async list(actor: Actor, teamId?: string): Promise<DispositionDoc[]> {
    const { teamIds } = listedTeams(actor, teamId);
    const all = await liveOf<DispositionDoc>(this.store, 'disposition', teamIds === 'all' ? {} : { teamId: { $in: teamIds } });
    return all.sort((a, b) => a.teamId.localeCompare(b.teamId) || byName(a, b));
  }

  async find(id: string): Promise<DispositionDoc | undefined> {
    const doc = await liveById(this.store, id, 'disposition');
    return doc ? toWire<DispositionDoc>(doc) : undefined;
  }

  /** `key`: a fixed id key (`disposition:<key>`), for the demo seed. */
  async create(actor: Actor, body: CreateDispositionBody, key?: string): Promise<DispositionDoc> {
    await assertTeamAdministered(this.store, actor, body.teamId);
    await this.assertNameFree(body.teamId, body.name);
    const now = Date.now();
    const disposition: DispositionDoc = { id: docId('disposition', key), type: 'disposition', teamId: body.teamId, name: body.name.trim(), createdAt: now, updatedAt: now };
    await this.names.claim(disposition.name, disposition.id, { scope: scopeOf(body.teamId) });
    try {
      return await writeNew(this.store, disposition);
    } catch (error) {
      await this.names.release(disposition.name, disposition.id, scopeOf(body.teamId));
      throw error;
    }
  }

  async update(actor: Actor, id: string, body: UpdateDispositionBody): Promise<DispositionDoc> {
    const before = await this.administered(actor, id);
    await this.assertNameFree(before.teamId, body.name, id);
    const scope = scopeOf(before.teamId);
    const renamed = nameKey(body.name) !== nameKey(before.name);
    if (renamed) await this.names.claim(body.name, id, { scope });
    let written: DispositionDoc | undefined;
    try {
      const { doc } = await updateDoc(this.store, id, (current) => {
        if (!isLive(current, 'disposition')) throw notFound('Disposition');
        const next: DispositionDoc = { ...toWire<DispositionDoc>(current), name: body.name.trim(), updatedAt: Date.now() };
        return toStored(next, current._rev);
      });
      written = doc ? toWire<DispositionDoc>(doc) : undefined;
    } catch (error) {
      if (renamed) await this.names.release(body.name, id, scope);
      throw error;
    }
    if (renamed) await this.names.release(before.name, id, scope);
    if (!written) throw notFound('Disposition');
    return written;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const before = await this.administered(actor, id);
    const { written } = await updateDoc(this.store, id, (current) => (isLive(current, 'disposition') ? removedForm(current, Date.now()) : undefined));
    if (!written) throw notFound('Disposition');
    await this.names.release(before.name, id, scopeOf(before.teamId));
  }

  /** Another team's disposition reads as missing to a supervisor. */
  private async administered(actor: Actor, id: string): Promise<DispositionDoc> {
    const found = await this.find(id);
    if (!found || !mayAdministerTeam(actor, found.teamId)) throw notFound('Disposition');
    return found;
  }

  private async assertNameFree(teamId: string, name: string, except?: string): Promise<void> {
    const key = nameKey(name);
    const taken = (await liveOf<DispositionDoc>(this.store, 'disposition', { teamId })).find((d) => d.id !== except && nameKey(d.name) === key);
    if (taken) throw contentErrors.duplicateDisposition(taken.name);
  }
}
