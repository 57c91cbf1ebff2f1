import { effectScope, ref, watch } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { customerWroteAtOf, WHATSAPP_WINDOW_MS, type ConversationDoc, type WhatsAppTemplate } from '@atende/protocol';
import { FakeApiError } from './apiErrorFake';

/** Issue 10, the conversation screen's WhatsApp rules: the 24-hour window, templates, names and files. */
const net = vi.hoisted(() => ({
  calls: [] as Array<{ path: string; request: { params?: Record<string, string>; body?: Record<string, unknown> } }>,
  templates: [] as unknown[],
  sendFailure: undefined as Error | undefined,
  uploads: [] as string[],
}));
vi.mock('../src/net/client', () => ({
  call: (endpoint: { path: string }, request: { params?: Record<string, string>; body?: Record<string, unknown> }) => {
    net.calls.push({ path: endpoint.path, request });
    if (endpoint.path.endsWith('/templates')) return Promise.resolve({ templates: net.templates });
    if (net.sendFailure) return Promise.reject(net.sendFailure);
    return Promise.resolve({ message: {} });
  },
}));
vi.mock('../src/components/composer/upload', () => ({
  uploadMedia: (file: File, _channel: string, onProgress: (f: number) => void) => {
    net.uploads.push(file.name);
    onProgress(0.5);
    return Promise.resolve({ id: 'media:cabecalho00000000', name: file.name, mimeType: file.type, size: file.size, kind: 'image', thumbnail: true });
  },
}));
const { mayWriteFreely, timeLeft, useReplyWindow } = await import('../src/components/replyWindow/replyWindow');
const { originNumberOf } = await import('../src/components/whatsapp/originNumber');
const { useTemplateForm } = await import('../src/components/whatsapp/templateForm');
const { replyParts } = await import('../src/components/composer/oneFilePerMessage');
const { contactLabel } = await import('../src/stores/contactLabel');

const HOUR = 3_600_000;
const noon = Date.UTC(2026, 10, 28, 15, 0, 0);
const whatsapp = (meta: Record<string, string>, lastInboundAt: number | null = null) => ({
  channel: 'whatsapp' as const, channelMeta: meta, lastInboundAt,
});
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function template(over: Partial<WhatsAppTemplate>): WhatsAppTemplate {
  return {
    id: 'wtemplate:wa.boas_vindas.pt_BR', channelAccountId: 'channel:wa', externalId: '1', name: 'boas_vindas', language: 'pt_BR',
    category: 'MARKETING', status: 'APPROVED', reason: null, header: null, body: 'Olá {{1}}, seu pedido {{2}} saiu.', footer: null,
    buttons: [], updatedAt: 1, ...over,
  };
}

describe('R-WA-05 R-WA-07 the 24-hour window on the conversation screen', () => {
  it('R-WA-05 is closed when the customer never wrote (an agent-started conversation): the composer gives way to a template', () => {
    expect(customerWroteAtOf(whatsapp({}))).toBeNull();
    expect(mayWriteFreely(whatsapp({}), noon)).toBe(false);
  });

  it('R-WA-07 is open for 24 h after the customer\'s own timestamp, then closed', () => {
    const wrote = whatsapp({ customerWroteAt: String(noon - 3 * HOUR) });
    expect(mayWriteFreely(wrote, noon)).toBe(true);
    expect(mayWriteFreely(wrote, noon - 3 * HOUR + WHATSAPP_WINDOW_MS - 1)).toBe(true);
    expect(mayWriteFreely(wrote, noon - 3 * HOUR + WHATSAPP_WINDOW_MS)).toBe(false);
  });

  it('R-WA-07 reads the arrival of the latest customer message when the timestamp was never kept, as the server does', () => {
    expect(mayWriteFreely(whatsapp({}, noon - HOUR), noon)).toBe(true);
    expect(mayWriteFreely(whatsapp({ customerWroteAt: String(noon - 25 * HOUR) }, noon - HOUR), noon)).toBe(false);
  });

  it('R-WA-07 other channels have no window', () => {
    expect(mayWriteFreely({ channel: 'webchat', channelMeta: {}, lastInboundAt: null }, noon)).toBe(true);
  });

  it('R-WA-05 writes the time left in hours and minutes, seconds only in the last minute', () => {
    expect(timeLeft(3 * HOUR + 12 * 60_000 + 59_000)).toEqual({ key: 'hours', values: { h: 3, m: 12 } });
    expect(timeLeft(HOUR)).toEqual({ key: 'hours', values: { h: 1, m: 0 } });
    expect(timeLeft(59 * 60_000 + 30_000)).toEqual({ key: 'minutes', values: { m: 59 } });
    expect(timeLeft(42_500)).toEqual({ key: 'seconds', values: { s: 42 } });
    expect(timeLeft(-5)).toEqual({ key: 'seconds', values: { s: 0 } });
  });

  it('R-WA-05 the header text changes once a minute while the clock ticks every second, and the window flips at the closing', () => {
    vi.useFakeTimers({ now: noon });
    const scope = effectScope();
    try {
      const conversation = ref(whatsapp({ customerWroteAt: String(noon - WHATSAPP_WINDOW_MS + 2 * 60_000 + 30_000) }));
      const shown: string[] = [];
      const flips: boolean[] = [];
      scope.run(() => {
        const window = useReplyWindow(conversation, (l) => `${l.key}:${JSON.stringify(l.values)}`);
        // What a component reading `left` and `open` would re-render for.
        watch(window.left, (text) => shown.push(text), { immediate: true, flush: 'sync' });
        watch(window.open, (open) => flips.push(open), { immediate: true, flush: 'sync' });
      });
      vi.advanceTimersByTime(60_000);
      expect(shown).toEqual(['minutes:{"m":2}', 'minutes:{"m":1}']);
      vi.advanceTimersByTime(91_000);
      expect(flips).toEqual([true, false]);
    } finally {
      scope.stop();
      vi.useRealTimers();
    }
  });
});

describe('R-WA-10 names and numbers on cards and headers', () => {
  it('R-WA-10 shows the contact\'s name when known, else its WhatsApp number as it reads', () => {
    expect(contactLabel({ name: 'Joana Lima', addresses: { whatsapp: '5511912345678' } })).toBe('Joana Lima');
    expect(contactLabel({ name: '', addresses: { whatsapp: '5511912345678' } })).toBe('+55 11 91234-5678');
    expect(contactLabel({ name: '', addresses: { webchat: 'visitor:abc' } })).toBe('visitor:abc');
    expect(contactLabel(undefined)).toBeUndefined();
  });

  it('R-WA-10 shows the origin number of the conversation formatted for Brazil', () => {
    expect(originNumberOf({ channelMeta: { originNumber: '551140041234' } })).toBe('+55 11 4004-1234');
    expect(originNumberOf({ channelMeta: { originNumber: '5511912345678' } })).toBe('+55 11 91234-5678');
    expect(originNumberOf({ channelMeta: {} })).toBe('');
  });
});

describe('R-WA-05 R-WA-06 "Selecionar template"', () => {
  beforeEach(() => {
    net.calls = [];
    net.uploads = [];
    net.sendFailure = undefined;
    net.templates = [
      template({}),
      template({ id: 'wtemplate:wa.pendente.pt_BR', name: 'pendente', status: 'PENDING' }),
      template({
        id: 'wtemplate:wa.promo.pt_BR', name: 'promo', header: { format: 'IMAGE', example: 'https://example.com/p.jpg' },
        body: 'Oferta para {{1}}', footer: 'Responda SAIR para não receber', buttons: [{ type: 'URL', text: 'Ver', url: 'https://loja.example/{{1}}' }],
      }),
    ];
  });

  function setup() {
    const scope = effectScope();
    const form = scope.run(() => useTemplateForm(() => ({ id: 'conversation:c1', channelAccountId: 'channel:wa' })))!;
    return { form, stop: () => scope.stop() };
  }

  it('R-WA-05 offers only approved templates of the conversation\'s number', async () => {
    const { form, stop } = setup();
    await form.load();
    expect(net.calls[0]?.request.params).toEqual({ id: 'channel:wa' });
    expect(form.templates.value.map((t) => t.name)).toEqual(['boas_vindas', 'promo']);
    stop();
  });

  it('R-WA-05 previews the text live as the variables are filled, and sends only when all are', async () => {
    const { form, stop } = setup();
    await form.load();
    form.select('wtemplate:wa.boas_vindas.pt_BR');
    expect(form.slots.value.map((s) => s.key)).toEqual(['body.1', 'body.2']);
    expect(form.preview.value).toBe('Olá {{1}}, seu pedido {{2}} saiu.');
    form.setValue('body.1', 'Joana');
    expect(form.preview.value).toBe('Olá Joana, seu pedido {{2}} saiu.');
    expect(form.ready.value).toBe(false);
    expect(await form.send()).toBe(false);
    form.setValue('body.2', ' 4521 ');
    expect(form.ready.value).toBe(true);
    expect(await form.send()).toBe(true);
    const sent = net.calls.find((c) => c.path.endsWith('/template'));
    expect(sent?.request.params).toEqual({ id: 'conversation:c1' });
    expect(sent?.request.body).toMatchObject({ templateId: 'wtemplate:wa.boas_vindas.pt_BR', values: { 'body.1': 'Joana', 'body.2': '4521' } });
    expect(sent?.request.body?.headerMediaId).toBeUndefined();
    stop();
  });

  it('R-WA-05 an image header needs an uploaded JPEG or PNG, previewed from the file, and goes as headerMediaId', async () => {
    const { form, stop } = setup();
    await form.load();
    form.select('wtemplate:wa.promo.pt_BR');
    form.setValue('body.1', 'Joana');
    form.setValue('button.0', 'ofertas');
    expect(form.needsImage.value).toBe(true);
    expect(form.ready.value).toBe(false);
    form.pickImage(new File(['GIF89a'], 'anim.gif', { type: 'image/gif' }));
    expect(form.error.value).toEqual({ key: 'imageType' });
    expect(net.uploads).toEqual([]);
    form.pickImage(new File([new Uint8Array(6 * 1024 * 1024)], 'grande.jpg', { type: 'image/jpeg' }));
    expect(form.error.value).toEqual({ key: 'imageTooLarge' });
    form.pickImage(new File([new Uint8Array(10)], 'banner.png', { type: 'image/png' }));
    expect(form.image.value?.previewUrl).toMatch(/^blob:/);
    await flush();
    expect(form.image.value?.state).toBe('ready');
    expect(form.ready.value).toBe(true);
    expect(form.preview.value).toBe('Oferta para Joana\n\nResponda SAIR para não receber');
    expect(await form.send()).toBe(true);
    expect(net.calls.at(-1)?.request.body).toMatchObject({
      headerMediaId: 'media:cabecalho00000000', values: { 'body.1': 'Joana', 'button.0': 'ofertas' },
    });
    stop();
  });

  it('R-WA-05 choosing another template clears the values and the image of the previous one', async () => {
    const { form, stop } = setup();
    await form.load();
    form.select('wtemplate:wa.promo.pt_BR');
    form.setValue('body.1', 'Joana');
    form.pickImage(new File([new Uint8Array(10)], 'banner.png', { type: 'image/png' }));
    form.select('wtemplate:wa.boas_vindas.pt_BR');
    expect(form.values.value).toEqual({});
    expect(form.image.value).toBeUndefined();
    stop();
  });

  it('R-WA-06 shows the server\'s refusal in the dialog and sends again under the same message id', async () => {
    const { form, stop } = setup();
    await form.load();
    form.select('wtemplate:wa.boas_vindas.pt_BR');
    form.setValue('body.1', 'Joana');
    form.setValue('body.2', '1');
    net.sendFailure = new FakeApiError(422, 'template_values_missing', 'Preencha as variáveis do template: body.2');
    expect(await form.send()).toBe(false);
    expect(form.error.value).toEqual({ message: 'Preencha as variáveis do template: body.2' });
    net.sendFailure = new FakeApiError(0, 'network', 'Sem conexão com o servidor');
    expect(await form.send()).toBe(false);
    expect(form.error.value).toEqual({ key: 'offline' });
    net.sendFailure = undefined;
    expect(await form.send()).toBe(true);
    const ids = net.calls.filter((c) => c.path.endsWith('/template')).map((c) => c.request.body?.id);
    expect(new Set(ids).size).toBe(1);
    stop();
  });

  it('R-WA-06 a sent template does not open the window: the warning stays until the customer replies', () => {
    // The server keeps customerWroteAt from customer messages only (sync-server conversations/summary.ts).
    const afterTemplate = whatsapp({ originNumber: '551140041234' }) satisfies Pick<ConversationDoc, 'channel' | 'channelMeta' | 'lastInboundAt'>;
    expect(mayWriteFreely(afterTemplate, noon)).toBe(false);
    const afterReply = whatsapp({ ...afterTemplate.channelMeta, customerWroteAt: String(noon - 1000) }, noon);
    expect(mayWriteFreely(afterReply, noon)).toBe(true);
  });
});

describe('R-WA-07 files on WhatsApp', () => {
  it('R-WA-07 sends several files as several messages, the text with the first; other channels in one', () => {
    expect(replyParts('whatsapp', 'segue', ['media:a', 'media:b', 'media:c'])).toEqual([
      { text: 'segue', mediaIds: ['media:a'] }, { text: '', mediaIds: ['media:b'] }, { text: '', mediaIds: ['media:c'] },
    ]);
    expect(replyParts('whatsapp', 'segue', ['media:a'])).toEqual([{ text: 'segue', mediaIds: ['media:a'] }]);
    expect(replyParts('whatsapp', 'oi', [])).toEqual([{ text: 'oi', mediaIds: [] }]);
    expect(replyParts('webchat', 'segue', ['media:a', 'media:b'])).toEqual([{ text: 'segue', mediaIds: ['media:a', 'media:b'] }]);
  });
});
