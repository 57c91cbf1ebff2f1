import { effectScope } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attachment, ChannelKind } from '@atende/protocol';

const uploads = vi.hoisted(() => ({ calls: [] as Array<{ name: string; channel: string }>, fail: false }));
vi.mock('../src/components/composer/upload', () => ({
  uploadMedia: (file: File, channel: string, onProgress: (f: number) => void) => {
    uploads.calls.push({ name: file.name, channel });
    onProgress(0.5);
    if (uploads.fail) return Promise.reject(new Error('boom'));
    return Promise.resolve({ id: `media:${file.name.replace(/\W/g, '')}0000000000`, name: file.name, mimeType: file.type, size: file.size, kind: 'document', thumbnail: false });
  },
}));
vi.mock('../src/net/api', () => ({
  ApiError: class ApiError extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
      super(message);
    }
    get isNetwork(): boolean {
      return this.status === 0;
    }
  },
}));
const { useAttachments } = await import('../src/components/composer/attachments');

const MB = 1024 * 1024;
const file = (name: string, type: string, size: number) => new File([new Uint8Array(size)], name, { type });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(channel: ChannelKind = 'webchat', online = true) {
  const scope = effectScope();
  const files = scope.run(() => useAttachments(() => channel, () => online))!;
  return { files, stop: () => scope.stop() };
}

describe('composer attachments (issue 9 point 4)', () => {
  beforeEach(() => {
    uploads.calls = [];
    uploads.fail = false;
  });

  it('R-WS-04 a file past the channel limit or of a refused type is refused before any upload', () => {
    const { files } = setup('whatsapp');
    files.add([file('foto.jpg', 'image/jpeg', 5 * MB + 1)]);
    expect(files.refusal.value).toEqual({ key: 'tooLarge', values: { name: 'foto.jpg', max: '5 MB' } });
    files.add([file('setup.exe', '', 10)]);
    expect(files.refusal.value).toEqual({ key: 'unsupported', values: { name: 'setup.exe' } });
    expect(files.items.value).toEqual([]);
    expect(uploads.calls).toEqual([]);
  });

  it('R-WS-04 an accepted file uploads for the conversation’s channel and its id goes with the message', async () => {
    const { files } = setup('telegram');
    files.add([file('nota.pdf', 'application/pdf', 1000)]);
    expect(files.items.value[0]).toMatchObject({ name: 'nota.pdf', state: 'uploading' });
    expect(files.blocked.value).toBe(true);
    await flush();
    expect(uploads.calls).toEqual([{ name: 'nota.pdf', channel: 'telegram' }]);
    expect(files.items.value[0]).toMatchObject({ state: 'ready', progress: 1 });
    expect(files.mediaIds.value).toEqual(['media:notapdf0000000000']);
    expect(files.blocked.value).toBe(false);
  });

  it('R-WS-04 offline, files are refused with the reason (they need the server)', () => {
    const { files } = setup('webchat', false);
    files.add([file('a.png', 'image/png', 10)]);
    expect(files.refusal.value).toEqual({ key: 'offline', values: { name: 'a.png' } });
    expect(uploads.calls).toEqual([]);
  });

  it('R-WS-04 a failed upload stays, blocks sending until removed, and is never sent', async () => {
    uploads.fail = true;
    const { files } = setup();
    files.add([file('a.png', 'image/png', 10)]);
    await flush();
    expect(files.items.value[0]).toMatchObject({ state: 'failed', error: { key: 'failed', values: { name: 'a.png' } } });
    expect(files.blocked.value).toBe(true);
    expect(files.mediaIds.value).toEqual([]);
    files.remove(files.items.value[0]!.key);
    expect(files.blocked.value).toBe(false);
  });

  it('R-WS-04 a predefined message’s stored files attach without uploading, once each', () => {
    const { files } = setup();
    const stored: Attachment = { mediaId: 'media:tabela000000000000', name: 'tabela.pdf', mimeType: 'application/pdf', size: 900, kind: 'document', thumbnail: false };
    files.attachStored([stored]);
    files.attachStored([stored]);
    expect(files.mediaIds.value).toEqual([stored.mediaId]);
    expect(uploads.calls).toEqual([]);
  });
});
