import { computed, getCurrentScope, onScopeDispose, ref } from 'vue';
import {
  PRIVATE_ANSWER_CHANNELS, answerRefusal, defaultVisibility, mediaKindOf, type AnswerVisibility, type ChannelKind, type MessageDoc,
} from '@atende/protocol';
import { raRefusalText } from './raRefusal';
import { companyAnsweredPublicly } from './raMessages';

/** A refusal of protocol `answerRefusal`: its code picks the translated sentence, its pt-BR text is the fallback. */
export interface AnswerRefusal {
  code: string;
  message: string;
}

/** The refusal in the user's language (raRefusalText); a code the screen does not know keeps the protocol's pt-BR sentence. */
export function refusalText(refusal: AnswerRefusal, i18n: { t: (key: string) => string; te: (key: string) => boolean }): string {
  return raRefusalText(i18n.t, i18n.te, refusal.code, refusal.message);
}

/** How long "Resposta pública na fila de envio…" stays on screen: long enough to read, then the mode bar says it alone. */
export const PUBLIC_SENT_NOTICE_MS = 8000;

export interface AnswerVisibilitySource {
  channel: () => ChannelKind | undefined;
  conversation: () => { channelMeta: Record<string, string> } | undefined;
  messages: () => readonly MessageDoc[];
  /** The files waiting in the composer. */
  files: () => ReadonlyArray<{ mimeType: string }>;
}

/**
 * The composer's answer visibility on Reclame Aqui (R-CH-07): private by default (protocol
 * `defaultVisibility`), public while the agent says so, private again after a public answer went
 * to the outbox. What a mode allows is protocol `answerRefusal`'s to say, not this file's: files
 * are asked about one by one because the composer sends one file per message (`replyParts`).
 * On other channels none of this applies and replies carry no visibility.
 */
export function useAnswerVisibility(source: AnswerVisibilitySource) {
  const applies = computed(() => {
    const channel = source.channel();
    return channel !== undefined && PRIVATE_ANSWER_CHANNELS.includes(channel);
  });
  // null: the channel's default (the conversation may load after the composer).
  const chosen = ref<AnswerVisibility | null>(null);
  const visibility = computed<AnswerVisibility>(() => {
    const channel = source.channel();
    return chosen.value ?? (channel ? defaultVisibility(channel) : 'public');
  });
  const isPublic = computed(() => applies.value && visibility.value === 'public');

  /**
   * True for a moment after a public answer went to the outbox: the composer switched back to
   * private by itself, which the agent is told (seen and heard) instead of discovering it on the
   * next send. It says "queued", not "sent": HugMe may still refuse the answer, which the
   * message's own status mark then shows.
   */
  const publicSent = ref(false);
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  function endNotice(): void {
    clearTimeout(noticeTimer);
    publicSent.value = false;
  }
  if (getCurrentScope()) onScopeDispose(endNotice);

  function toggle(): void {
    if (!applies.value) return;
    endNotice();
    chosen.value = isPublic.value ? 'private' : 'public';
  }

  /** Manual: "recomendamos que a primeira resposta seja pública" — until the company has answered publicly. */
  const showTip = computed(() => applies.value && !companyAnsweredPublicly(source.conversation(), source.messages()));

  /** Why no file may be added in this mode (the attach button is disabled with it), or null. */
  const attachRefusal = computed<AnswerRefusal | null>(() => {
    const channel = source.channel();
    return applies.value && channel ? answerRefusal(channel, visibility.value, [{ kind: 'document' }]) : null;
  });

  /** Why what the composer holds may not go in this mode (send is disabled with it), or null. */
  const sendRefusal = computed<AnswerRefusal | null>(() => {
    const channel = source.channel();
    if (!applies.value || !channel) return null;
    for (const file of source.files()) {
      const refused = answerRefusal(channel, visibility.value, [{ kind: mediaKindOf(file.mimeType) }]);
      if (refused) return refused;
    }
    return null;
  });

  /** The visibility a reply carries: only on channels that know private answers. */
  const outgoing = computed<AnswerVisibility | undefined>(() => (applies.value ? visibility.value : undefined));

  /** After a reply is queued: a public answer is a deliberate act, the next one is private again (and the agent is told). */
  function sent(): void {
    const wasPublic = isPublic.value;
    chosen.value = null;
    endNotice();
    if (!wasPublic || isPublic.value) return;
    publicSent.value = true;
    noticeTimer = setTimeout(endNotice, PUBLIC_SENT_NOTICE_MS);
  }

  return { applies, visibility, isPublic, toggle, showTip, attachRefusal, sendRefusal, outgoing, sent, publicSent };
}
