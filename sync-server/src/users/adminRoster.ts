import { userAdminErrors } from '@atende/protocol';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';

/**
 * The enabled admins, kept in one server-only document so that "never leave the organisation
 * without an admin" is arbitrated by the store: a demotion or a disable first removes the admin
 * here with a revision-checked write that refuses to empty the list, then writes the user. Two
 * admins demoting each other at once cannot both pass.
 */
interface AdminRosterDoc extends StoredDoc {
  type: 'adminroster';
  admins: string[];
}

const ROSTER_ID = 'adminroster:enabled';
const MAX_ATTEMPTS = 50;

export class AdminRoster {
  constructor(
    private readonly store: DocStore,
    /** The enabled admins as the user documents say, to build the roster when there is none. */
    private readonly enabledAdmins: () => Promise<string[]>,
    /** Whether the stored user document says enabled admin now (fresh read, not a cache). */
    private readonly isEnabledAdmin: (userId: string) => Promise<boolean>,
  ) {}

  /** Builds the roster from the users when missing (a new store, or one from before the roster). */
  async prepare(): Promise<void> {
    const admins = await this.enabledAdmins();
    await updateDoc<AdminRosterDoc>(this.store, ROSTER_ID, (current) =>
      current && !current._deleted ? undefined : { _id: ROSTER_ID, type: 'adminroster', admins },
    );
  }

  /** Before a demotion or a disable: refused (409) when `userId` is the last enabled admin. */
  async remove(userId: string): Promise<void> {
    await this.change(async (current) => {
      const admins = (current?.admins ?? []).filter((id) => id !== userId);
      // An entry a racing promotion added for a user disabled meanwhile is no admin (R-AUTH-01): count the stored users.
      const enabled = await Promise.all(admins.map((id) => this.isEnabledAdmin(id)));
      if (!enabled.includes(true)) throw userAdminErrors.lastAdmin();
      return admins.length === current?.admins.length ? undefined : { ...current, _id: ROSTER_ID, type: 'adminroster', admins };
    });
  }

  /**
   * After a promotion or an enable (or to undo a removal whose user write failed): only while the
   * stored user still is an enabled admin, so a disable racing the promotion leaves no entry.
   */
  async add(userId: string): Promise<void> {
    await this.change(async (current) =>
      current?.admins.includes(userId) || !(await this.isEnabledAdmin(userId))
        ? undefined
        : { _id: ROSTER_ID, type: 'adminroster', admins: [...(current?.admins ?? []), userId] },
    );
  }

  /** A revision-checked write of the roster whose decision may read the store (updateDoc's is synchronous). */
  private async change(decide: (current: AdminRosterDoc | undefined) => Promise<AdminRosterDoc | undefined>): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.get(ROSTER_ID, { fresh: true });
      const current = stored && !stored._deleted ? (stored as AdminRosterDoc) : undefined;
      const next = await decide(current);
      if (!next) return;
      const write: StoredDoc = { ...next, _id: ROSTER_ID };
      if (stored?._rev) write._rev = stored._rev;
      else delete write._rev;
      const [result] = await this.store.bulkWrite([write]);
      if (result?.ok) return;
      if (result?.error !== 'conflict') throw new Error(`write ${ROSTER_ID}: ${result?.reason ?? 'no result'}`);
    }
    throw new Error(`write ${ROSTER_ID}: too much contention`);
  }
}
