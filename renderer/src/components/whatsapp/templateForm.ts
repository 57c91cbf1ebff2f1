import { computed, onScopeDispose, ref } from 'vue';
import {
  API, checkFileForChannel, missingTemplateValues, needsHeaderImage, renderTemplate, TEMPLATE_APPROVED, TEMPLATE_HEADER_IMAGE_TYPES,
  templateSlots, ulid,
  type ConversationDoc, type WhatsAppTemplate,
} from '@atende/protocol';
import { call } from '../../net/client';
import { failedCall } from '../../net/failedCall';
import { uploadMedia } from '../composer/upload';

/**
 * The state of "Selecionar template" (R-WA-05/06): the approved templates of the conversation's
 * WhatsApp number, the chosen one's values with a live preview, the header image (uploaded at once,
 * previewed from the local file) and the send through `API.sendTemplate`. Kept apart from the
 * dialog so the rules are tested without a DOM.
 */
export type TemplateConversation = Pick<ConversationDoc, 'id' | 'channelAccountId'>;

/** What went wrong, for the dialog: a server sentence (422s are written for agents) or an i18n key under `whatsapp.error.`. */
export type TemplateError = { message: string } | { key: 'load' | 'failed' | 'offline' | 'imageType' | 'imageTooLarge' | 'imageFailed' };

export interface HeaderImage {
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  progress: number;
  /** The picked file, shown before and after its upload. */
  previewUrl: string;
  mediaId?: string;
}

/** A failed load or upload as the dialog says it: not reaching the server is `offline`, any other failure `otherwise`. */
const failureKey = (error: unknown, otherwise: 'load' | 'failed' | 'imageFailed'): TemplateError =>
  ({ key: failedCall(error).kind === 'unreachable' ? 'offline' : otherwise });

/** A failed send: the server's refusals (422 template_values_missing, 409, 403…) carry a sentence for the agent. */
function sendError(error: unknown): TemplateError {
  const failure = failedCall(error);
  return failure.kind === 'refused' ? { message: failure.message } : failureKey(error, 'failed');
}

export function useTemplateForm(conversation: () => TemplateConversation) {
  const templates = ref<WhatsAppTemplate[]>([]);
  const loading = ref(false);
  const selectedId = ref('');
  const values = ref<Record<string, string>>({});
  const image = ref<HeaderImage>();
  const error = ref<TemplateError>();
  const sending = ref(false);
  /** One message id per form: sending again after a lost answer is the same message, never two. */
  let messageId = ulid();
  let upload: AbortController | undefined;

  const selected = computed(() => templates.value.find((tpl) => tpl.id === selectedId.value));
  const slots = computed(() => (selected.value ? templateSlots(selected.value) : []));
  const preview = computed(() => (selected.value ? renderTemplate(selected.value, values.value) : ''));
  const needsImage = computed(() => (selected.value ? needsHeaderImage(selected.value) : false));
  const missing = computed(() => (selected.value ? missingTemplateValues(selected.value, values.value) : []));
  const ready = computed(() =>
    selected.value !== undefined && missing.value.length === 0 && (!needsImage.value || image.value?.state === 'ready'),
  );

  async function load(): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      // The conversation too: an agent serving one transferred from the number's team may use its templates.
      const { id, channelAccountId } = conversation();
      const answer = await call(API.channelTemplates, { params: { id: channelAccountId }, query: { conversationId: id } });
      // The server offers approved ones only; a status changing on the way is not offered either.
      templates.value = answer.templates.filter((tpl) => tpl.status === TEMPLATE_APPROVED);
      if (templates.value.length === 1) select(templates.value[0]!.id);
    } catch (failure) {
      error.value = failureKey(failure, 'load');
    } finally {
      loading.value = false;
    }
  }

  function dropImage(): void {
    upload?.abort();
    upload = undefined;
    if (image.value) URL.revokeObjectURL(image.value.previewUrl);
    image.value = undefined;
  }

  /** Another template: its own values, and no image picked for the previous one. */
  function select(id: string): void {
    selectedId.value = id;
    values.value = {};
    error.value = undefined;
    dropImage();
  }

  function setValue(key: string, value: string): void {
    values.value = { ...values.value, [key]: value };
  }

  /** The header image: checked like any WhatsApp file, uploaded at once, previewed from the file. */
  function pickImage(file: File): void {
    error.value = undefined;
    if (!TEMPLATE_HEADER_IMAGE_TYPES.includes(file.type)) {
      error.value = { key: 'imageType' };
      return;
    }
    const refused = checkFileForChannel('whatsapp', file);
    if (refused) {
      error.value = { key: refused.kind === 'too_large' ? 'imageTooLarge' : 'imageType' };
      return;
    }
    dropImage();
    const abort = new AbortController();
    upload = abort;
    image.value = { name: file.name, state: 'uploading', progress: 0, previewUrl: URL.createObjectURL(file) };
    const update = (change: Partial<HeaderImage>) => {
      if (upload === abort && image.value) image.value = { ...image.value, ...change };
    };
    uploadMedia(file, 'whatsapp', (progress) => update({ progress }), abort.signal)
      .then((media) => update({ state: 'ready', progress: 1, mediaId: media.id }))
      .catch((failure: unknown) => {
        if (abort.signal.aborted) return;
        update({ state: 'failed' });
        error.value = failureKey(failure, 'imageFailed');
      });
  }

  /** Sends the chosen template; true once the server took it (the message then arrives by replication). */
  async function send(): Promise<boolean> {
    const template = selected.value;
    if (!template || !ready.value || sending.value) return false;
    sending.value = true;
    error.value = undefined;
    try {
      const filled = Object.fromEntries(slots.value.map((slot) => [slot.key, (values.value[slot.key] ?? '').trim()]));
      await call(API.sendTemplate, {
        params: { id: conversation().id },
        body: {
          id: messageId, templateId: template.id, values: filled,
          ...(needsImage.value && image.value?.mediaId ? { headerMediaId: image.value.mediaId } : {}),
        },
      });
      messageId = ulid();
      return true;
    } catch (failure) {
      error.value = sendError(failure);
      return false;
    } finally {
      sending.value = false;
    }
  }

  onScopeDispose(dropImage);

  return {
    templates, loading, selectedId, selected, values, slots, preview, needsImage, missing, image, error, sending, ready,
    load, select, setValue, pickImage, dropImage, send,
  };
}
