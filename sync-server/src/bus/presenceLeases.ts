import type { PresenceStatus } from '@atende/protocol';
import type { RedisBus } from './redis.js';

/**
 * Presence kept in Redis so it outlives any one node (ARCHITECTURE §6). Each node holds a lease
 * per user it has sockets for, an entry in the user's sorted set scored with its expiry; it
 * renews the leases while the sockets stay, and the set itself expires with its last lease. A
 * user is online while any lease is unexpired, so when a node dies its users go offline once its
 * leases run out while users held by other nodes stay online.
 *
 * Every change runs in one script that uses Redis's clock (nodes' clocks may differ), compares
 * with the last announced status, and appends `presence.changed` to the bus stream in the same
 * step, so announcements are ordered like the changes and never sent twice.
 */
const SETTLE = `
local statusKey, dueKey, pausedKey, seqKey, streamKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local leasePrefix, maxLen = ARGV[1], ARGV[2]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function settle(u)
  local leases = leasePrefix .. u
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  local last = redis.call('ZRANGE', leases, -1, -1, 'WITHSCORES')
  local status = 'offline'
  if last[1] then
    status = redis.call('SISMEMBER', pausedKey, u) == 1 and 'paused' or 'online'
    redis.call('ZADD', dueKey, last[2], u)
    redis.call('PEXPIREAT', leases, last[2])
  else
    redis.call('ZREM', dueKey, u)
  end
  local old = redis.call('HGET', statusKey, u)
  if (old and string.match(old, '^%a+') or 'offline') == status then return end
  local seq = redis.call('INCR', seqKey)
  if status == 'offline' then redis.call('HDEL', statusKey, u) else redis.call('HSET', statusKey, u, status .. ':' .. seq) end
  redis.call('XADD', streamKey, 'MAXLEN', '~', maxLen, '*', 'topic', 'presence.changed',
    'data', cjson.encode({ userId = u, status = status, seq = seq }))
end
`;

const SCRIPTS = {
  /** ARGV[3] node, ARGV[4] ttl ms, ARGV[5…] users: (re)new this node's leases. */
  atendePresenceHold: `${SETTLE}
for i = 5, #ARGV do
  redis.call('ZADD', leasePrefix .. ARGV[i], now + tonumber(ARGV[4]), ARGV[3])
  settle(ARGV[i])
end`,
  /** ARGV[3] node, ARGV[4] user: signed out; a pause ends with the user's last lease. */
  atendePresenceRelease: `${SETTLE}
local u = ARGV[4]
redis.call('ZREM', leasePrefix .. u, ARGV[3])
if redis.call('ZCOUNT', leasePrefix .. u, '(' .. now, '+inf') == 0 then redis.call('SREM', pausedKey, u) end
settle(u)`,
  /** ARGV[3] user, ARGV[4] '1' to pause, '0' to resume. */
  atendePresencePause: `${SETTLE}
if ARGV[4] == '1' then redis.call('SADD', pausedKey, ARGV[3]) else redis.call('SREM', pausedKey, ARGV[3]) end
settle(ARGV[3])`,
  /** ARGV[3] batch size: settles the users whose leases may have run out; answers how many. */
  atendePresenceSweep: `${SETTLE}
local due = redis.call('ZRANGEBYSCORE', dueKey, '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, u in ipairs(due) do settle(u) end
return #due`,
  /** The announced statuses and the sequence they are current at, read together. */
  atendePresenceSnapshot: `${SETTLE}
return { redis.call('GET', seqKey) or '0', redis.call('HGETALL', statusKey) }`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
/** ioredis adds defined scripts as methods at run time; this is their shape. */
type ScriptMethods = Record<ScriptName, (...args: Array<string | number>) => Promise<unknown>>;

export interface PresenceSnapshot {
  /** The change sequence the statuses are current at. */
  seq: number;
  /** Users not offline, with the sequence number of their last change. */
  statuses: Map<string, { status: PresenceStatus; seq: number }>;
}

export class PresenceLeases {
  private readonly keys: string[];
  private readonly scripts: ScriptMethods;
  private readonly leasePrefix: string;

  constructor(private readonly bus: RedisBus) {
    const p = `${bus.keyPrefix}:presence`;
    this.keys = [`${p}:status`, `${p}:due`, `${p}:paused`, `${p}:seq`, bus.streamKey];
    this.leasePrefix = `${p}:leases:`;
    // ioredis sends EVAL the first time on each connection, then EVALSHA: scripts run in call order.
    for (const [name, lua] of Object.entries(SCRIPTS)) bus.redis.defineCommand(name, { numberOfKeys: this.keys.length, lua });
    this.scripts = bus.redis as unknown as ScriptMethods;
  }

  private run(name: ScriptName, ...args: Array<string | number>): Promise<unknown> {
    return this.scripts[name](...this.keys, this.leasePrefix, this.bus.maxLength, ...args);
  }

  async hold(nodeId: string, ttlMs: number, userIds: string[]): Promise<void> {
    // Batches keep one script from blocking Redis for long.
    for (let i = 0; i < userIds.length; i += 200) {
      await this.run('atendePresenceHold', nodeId, ttlMs, ...userIds.slice(i, i + 200));
    }
  }

  async release(nodeId: string, userId: string): Promise<void> {
    await this.run('atendePresenceRelease', nodeId, userId);
  }

  async pause(userId: string, paused: boolean): Promise<void> {
    await this.run('atendePresencePause', userId, paused ? '1' : '0');
  }

  async sweep(batch = 200): Promise<number> {
    return Number(await this.run('atendePresenceSweep', batch));
  }

  async snapshot(): Promise<PresenceSnapshot> {
    const [seq, flat] = (await this.run('atendePresenceSnapshot')) as [string, string[]];
    const statuses = new Map<string, { status: PresenceStatus; seq: number }>();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const [status, changeSeq] = String(flat[i + 1]).split(':');
      if (status === 'online' || status === 'paused') statuses.set(String(flat[i]), { status, seq: Number(changeSeq) });
    }
    return { seq: Number(seq), statuses };
  }
}
