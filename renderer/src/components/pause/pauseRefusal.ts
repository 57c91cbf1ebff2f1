import type { AgentPauseType } from '@atende/protocol';

/** A refusal under i18n `pause.refused.*` with its values, or undefined (the server's sentence is shown). */
export interface PauseRefusalText {
  key: 'unknownType' | 'outsideWindow' | 'alreadyPaused';
  params: Record<string, string>;
}

/**
 * The server's refusal of a pause command (protocol `pauseErrors`, pt-BR only) in the agent's
 * language, by its code; the names and hours come from what the screen holds (the type chosen,
 * the pause on). Without them, the server's own sentence is shown.
 */
export function pauseRefusalText(
  code: string,
  context: { chosen?: AgentPauseType | undefined; current?: { name: string } | null | undefined },
): PauseRefusalText | undefined {
  const { chosen, current } = context;
  if (code === 'unknown_pause_type') return { key: 'unknownType', params: {} };
  if (code === 'pause_outside_window' && chosen?.window) {
    return { key: 'outsideWindow', params: { name: chosen.name, from: chosen.window.from, to: chosen.window.to } };
  }
  if (code === 'already_paused' && current) return { key: 'alreadyPaused', params: { name: current.name } };
  return undefined;
}
