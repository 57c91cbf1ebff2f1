import { BlockList, isIP } from 'node:net';
import { DomainError, isNetwork, NETWORK_NOT_ALLOWED, type OrganisationSettings, type UpdateSettingsBody } from '@atende/protocol';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';

/** The organisation's settings (server-only, one document). */
interface SettingsDoc extends StoredDoc {
  type: 'settings';
  loginNetworks: string[];
  updatedAt: number;
}

const SETTINGS_ID = 'settings:organisation';

export const OUTSIDE_NETWORKS_MESSAGE =
  'Entrada não permitida a partir desta rede. Entre pela rede da empresa ou fale com um administrador.';

/** `::ffff:10.0.0.1` is the IPv4 client 10.0.0.1 on a dual-stack socket: compared as IPv4. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** The networks as a BlockList (used here as an allow-list); entries were checked with isNetwork, whose addresses and prefixes Node parses too. */
function listOf(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of networks) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

export function insideNetworks(networks: readonly string[], address: string): boolean {
  if (networks.length === 0) return true;
  const plain = plainAddress(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return listOf(networks).check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Organisation settings (R-AUTH-03): for now the optional list of networks sign-ins may come from.
 * Read at every sign-in and refresh; written by admins only (settings/routes.ts).
 */
export class OrganisationSettingsService {
  constructor(private readonly store: DocStore) {}

  async get(): Promise<OrganisationSettings> {
    const doc = (await this.store.get(SETTINGS_ID)) as SettingsDoc | undefined;
    return { loginNetworks: doc && !doc._deleted ? doc.loginNetworks : [] };
  }

  /**
   * Every entry must be a network (400 naming it), and a non-empty list must hold the address of
   * the admin saving it: a list that shuts its author out is refused, not saved.
   */
  async update(body: UpdateSettingsBody, adminAddress: string): Promise<OrganisationSettings> {
    const networks = [...new Set(body.loginNetworks.map((n) => n.trim()).filter(Boolean))];
    const wrong = networks.find((n) => !isNetwork(n));
    if (wrong !== undefined) {
      throw new DomainError('invalid', 'invalid_network', `"${wrong}" não é uma rede válida: use um endereço IP ou uma faixa CIDR (ex.: 203.0.113.0/24, 2001:db8::/32).`);
    }
    if (!insideNetworks(networks, adminAddress)) {
      throw new DomainError('unprocessable', 'locks_out_admin',
        `Esta lista bloquearia o seu próprio acesso: o seu endereço atual (${plainAddress(adminAddress)}) não está em nenhuma das redes. Inclua-o antes de salvar.`);
    }
    await updateDoc<SettingsDoc>(this.store, SETTINGS_ID, (current) => ({
      ...(current ?? {}), _id: SETTINGS_ID, type: 'settings', loginNetworks: networks, updatedAt: Date.now(),
    }));
    return { loginNetworks: networks };
  }

  /** Refuses a sign-in or refresh from outside a non-empty list (403). */
  async assertLoginAllowed(address: string): Promise<void> {
    const { loginNetworks } = await this.get();
    if (!insideNetworks(loginNetworks, address)) throw new DomainError('forbidden', NETWORK_NOT_ALLOWED, OUTSIDE_NETWORKS_MESSAGE);
  }
}
