import type { ResolvedUpdateFileInfo, UpdateInfo } from 'electron-updater';
// Straight from electron-updater's own module (not its index, whose `autoUpdater` getter builds the
// platform's updater): the same base class, YAML parser and file resolution as its generic feed.
import { parseUpdateInfo, Provider, resolveFiles, type ProviderRuntimeOptions } from 'electron-updater/out/providers/Provider';
import { UpdateRefusedError, verifyUpdateMetadata } from './updateSignature';

/**
 * A generic (plain HTTPS folder) update feed whose metadata must be signed (issue 17). electron-updater
 * asks a provider for the latest `UpdateInfo` and then downloads the files it names, checking each
 * against the sha512 in that info; this provider hands it the info only after `<channel>.yml` has
 * verified against `<channel>.yml.sig`, so the sha512 the download is checked against is the signed
 * one. Fetches go through electron-updater's executor: the same session, proxy and redirects as the
 * download.
 */

/** What updates.ts passes to `setFeedURL` (electron-updater's `CustomPublishOptions`). */
export interface SignedFeedOptions {
  readonly provider: 'custom';
  readonly updateProvider: typeof SignedFeedProvider;
  /** The feed folder; `latest.yml` and its `.sig` are read from it. */
  readonly url: string;
  /** PEM (SPKI) of the Ed25519 key the metadata must be signed with. */
  readonly publicKey: string;
  /**
   * The installer line's channel (`latest-user` for per-user installs), set here rather than as
   * `autoUpdater.channel`, whose setter also allows downgrades.
   */
  readonly channel?: string;
}

/** The part of AppUpdater the provider reads. */
interface ChannelSource {
  readonly channel: string | null;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: unknown }).statusCode === 404;
}

export class SignedFeedProvider extends Provider<UpdateInfo> {
  private readonly baseUrl: URL;
  private readonly publicKey: string;
  private readonly configuredChannel: string | undefined;

  constructor(
    options: { url?: unknown; publicKey?: unknown; channel?: unknown },
    private readonly updater: ChannelSource,
    runtimeOptions: ProviderRuntimeOptions,
  ) {
    super(runtimeOptions);
    if (typeof options.url !== 'string' || typeof options.publicKey !== 'string') {
      throw new UpdateRefusedError('The signed update feed was set up without its address or key: updates are refused.');
    }
    this.baseUrl = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.publicKey = options.publicKey;
    this.configuredChannel = typeof options.channel === 'string' && options.channel !== '' ? options.channel : undefined;
  }

  /** `latest`, `latest-mac`, `latest-linux[-arm64]`: electron-updater's names for the platform's metadata. */
  private get channel(): string {
    const custom = this.updater.channel ?? this.configuredChannel;
    return custom ? this.getCustomChannelName(custom) : this.getDefaultChannelName();
  }

  override async getLatestVersion(): Promise<UpdateInfo> {
    const fileName = `${this.channel}.yml`;
    const stamp = Date.now().toString(32);
    const fileUrl = this.feedFileUrl(fileName, stamp);
    const metadata = await this.httpRequest(fileUrl);
    if (metadata === null) throw new UpdateRefusedError(`${fileName} was empty: the update was refused.`);
    let signature: string | null;
    try {
      signature = await this.httpRequest(this.feedFileUrl(`${fileName}.sig`, stamp));
    } catch (error) {
      if (isNotFound(error)) throw new UpdateRefusedError(`${fileName} is not signed (no ${fileName}.sig on the feed): the update was refused.`);
      throw error;
    }
    verifyUpdateMetadata(fileName, Buffer.from(metadata, 'utf8'), signature ?? '', this.publicKey);
    const info = parseUpdateInfo(metadata, fileName, fileUrl);
    requireSha512(info, fileName);
    return info;
  }

  /**
   * A file of the feed, past caches as electron-updater's generic feed does (`?noCache=`), the same
   * stamp for the metadata and its signature; a feed address with its own query keeps that instead.
   */
  private feedFileUrl(name: string, stamp: string): URL {
    const url = new URL(name, this.baseUrl);
    url.search = this.baseUrl.search !== '' ? this.baseUrl.search : `noCache=${stamp}`;
    return url;
  }

  override resolveFiles(updateInfo: UpdateInfo): ResolvedUpdateFileInfo[] {
    return resolveFiles(updateInfo, this.baseUrl);
  }
}

/** The download is checked against a sha512 only when the metadata has one for every file. */
function requireSha512(info: UpdateInfo, fileName: string): void {
  const files: unknown = (info as { files?: unknown }).files;
  const complete =
    Array.isArray(files) &&
    files.length > 0 &&
    files.every((file: unknown) => typeof file === 'object' && file !== null && typeof (file as { sha512?: unknown }).sha512 === 'string');
  if (!complete) throw new UpdateRefusedError(`${fileName} does not give a sha512 for every file: the update was refused.`);
}

export function signedFeedOptions(url: string, publicKey: string, channel?: string): SignedFeedOptions {
  return channel === undefined
    ? { provider: 'custom', updateProvider: SignedFeedProvider, url, publicKey }
    : { provider: 'custom', updateProvider: SignedFeedProvider, url, publicKey, channel };
}
