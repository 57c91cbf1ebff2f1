import { MemoryBus } from './memory.js';
import { RedisBus, type RedisBusOptions } from './redis.js';
import type { Bus } from './types.js';

export type { Bus, BusOptions } from './types.js';
export { MemoryBus } from './memory.js';
export { RedisBus, type RedisBusOptions } from './redis.js';
export { publishTopic, subscribeTopic, BusTopics, type TopicName, type TopicMessage } from './topics.js';

/** The Redis bus when `REDIS_URL` is set (several nodes), else the in-process one. */
export async function openBus(redisUrl: string | undefined, options: RedisBusOptions = {}): Promise<Bus> {
  return redisUrl ? RedisBus.open(redisUrl, options) : new MemoryBus(options);
}

/** The shared Redis behind a bus, for the parts that keep state there (presence, rate limits). */
export function redisBusOf(bus: Bus): RedisBus | undefined {
  return bus instanceof RedisBus ? bus : undefined;
}
