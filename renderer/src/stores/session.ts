import { defineStore } from 'pinia';
import { readonly, ref, shallowRef } from 'vue';
import type { UserDoc } from '@atende/protocol';
import { openDatabase, wipeDatabase, type AtendeDatabase } from '../db/database';
import { createReplicaController, type ReplicaController, type SyncProgress } from '../db/replica';
import { api, login, onSignedOut } from '../net/api';
import { realtime } from '../net/socket';
import { clearSession, onSessionClearedElsewhere, saveSession, storedSession, updateStoredUser } from '../net/tokens';

import { loginFailureOf, type LoginFailure } from './loginFailure';

export type { LoginFailure };

/**
 * Who is signed in, and the lifetime of their local replica: opened at sign-in (or at start-up
 * from the stored session, before the network answers: R-NET-05), wiped at sign-out.
 */
export const useSessionStore = defineStore('session', () => {
  const user = ref<UserDoc | undefined>(storedSession()?.user);
  const db = shallowRef<AtendeDatabase>();
  const failure = ref<{ code: LoginFailure; message: string }>();
  /** A supervisor signed this user out (R-SV-04): the sign-in screen says so until the next sign-in. */
  const signedOutBySupervisor = ref(false);
  const busy = ref(false);
  /** `syncing` until this user's replica has caught up once (shown as progress, R-NET-05). */
  const syncState = ref<'syncing' | 'synced'>('syncing');
  /** "Sincronizando 12.340 de 55.500…" while the leader window pulls (issue 8 point 6). */
  const progress = ref<SyncProgress>();
  /** Whether this window is the one replicating for every window of the user (ARCHITECTURE §3). */
  const leader = ref(false);
  let replication: ReplicaController | undefined;
  const unsubscribers: Array<() => void> = [];

  async function open(profile: UserDoc): Promise<void> {
    const database = await openDatabase(profile.id);
    db.value = database;
    replication = createReplicaController(database);
    const sync = replication;
    syncState.value = 'syncing';
    progress.value = undefined;
    leader.value = false;
    void trackInitialSync(database, sync);
    void database.leaderElector().awaitLeadership().then(
      () => (leader.value = db.value === database),
      () => undefined,
    );
    unsubscribers.push(
      sync.onProgress((value) => (progress.value = value)),
      // Every welcome carries the user as the server knows them now and the replica they may
      // hold: replication starts, restarts under other rights, or RESYNCs (R-NET-03).
      realtime.on('welcome', (frame) => {
        const current = frame.user ?? user.value;
        if (frame.user) refresh(frame.user);
        if (current) sync.welcome(current, frame.replica);
      }),
      realtime.on('session.user', (frame) => {
        refresh(frame.user);
        sync.sessionUser(frame.user, frame.replica);
      }),
      realtime.on('sync.docs', (frame) => sync.docs(frame)),
      realtime.on('sync.changed', (frame) => sync.changed(frame.collections)),
      // Told just before the server closes this session's sockets; without it the app would only
      // find the session gone at its next token renewal, and not say why.
      realtime.on('notice', (frame) => {
        if (frame.notice !== 'signedOut') return;
        signedOutBySupervisor.value = true;
        void signOut(false);
      }),
    );
    realtime.start();
  }

  /** Teams and role drive what the workspace shows; they follow the server live (issue 8 point 4). */
  function refresh(profile: UserDoc): void {
    if (user.value && profile.id !== user.value.id) return;
    user.value = profile;
    updateStoredUser(profile);
  }

  /**
   * The leader window replicates; followers read what it writes, so they are as synced as it is.
   * A window is a follower only when another window holds leadership for a while: with Web
   * Locks `hasLeader()` is also true while this window is still becoming the leader.
   */
  async function trackInitialSync(database: AtendeDatabase, sync: ReplicaController): Promise<void> {
    const elector = database.leaderElector();
    const current = () => db.value === database;
    const followerConfirmed = async (): Promise<void> => {
      let confirmations = 0;
      while (current() && confirmations < 3) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        confirmations = !elector.isLeader && (await elector.hasLeader()) ? confirmations + 1 : 0;
      }
    };
    await Promise.race([sync.awaitUsable(), followerConfirmed()]);
    // The progress bar goes on while the messages' history fills; it ends itself.
    if (current()) syncState.value = 'synced';
  }

  async function signIn(email: string, password: string): Promise<boolean> {
    busy.value = true;
    failure.value = undefined;
    signedOutBySupervisor.value = false;
    try {
      const response = await login(email, password);
      await saveSession(response);
      user.value = response.user;
      await open(response.user);
      return true;
    } catch (error) {
      failure.value = { code: loginFailureOf(error), message: error instanceof Error ? error.message : String(error) };
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** Closes everything of this user on this machine; `revoke` also ends the session on the server. */
  let signingOut: Promise<void> | undefined;
  function signOut(revoke = true): Promise<void> {
    signingOut ??= closeSession(revoke).finally(() => (signingOut = undefined));
    return signingOut;
  }

  async function closeSession(revoke: boolean): Promise<void> {
    const profile = user.value;
    if (revoke) await api('POST', '/api/auth/logout', {}).catch(() => undefined);
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
    realtime.stop();
    await replication?.stop();
    replication = undefined;
    if (profile) await wipeDatabase(profile.id, db.value);
    db.value = undefined;
    leader.value = false;
    clearSession();
    user.value = undefined;
  }

  async function restore(): Promise<void> {
    if (user.value && !db.value) await open(user.value);
  }

  onSignedOut(() => void signOut(false));
  // "Sair" in one window signs out every window of this browser (R-AUTH-05).
  onSessionClearedElsewhere(() => {
    if (user.value) void signOut(false);
  });

  return {
    user: readonly(user),
    db,
    failure: readonly(failure),
    signedOutBySupervisor: readonly(signedOutBySupervisor),
    syncState: readonly(syncState),
    progress: readonly(progress),
    leader: readonly(leader),
    busy: readonly(busy),
    signIn,
    signOut,
    restore,
  };
});
