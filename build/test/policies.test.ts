import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import { CONFIG_KEYS, DESKTOP_LANGUAGES } from '@atende/protocol';
import { describe, expect, it } from 'vitest';
import { BUNDLE_ID } from '../../electron/src/main/policy/managedPreferences';
import { POLICY_VALUE_NAMES, policyLayer } from '../../electron/src/main/policy/policyValues';
import { POLICY_KEY } from '../../electron/src/main/policy/registry';

/**
 * The IT templates in build/policies (issue 17, R-DT-05) must describe exactly what the app reads:
 * a policy the app ignores, or a setting the template cannot set, would fail IT silently.
 */
const POLICIES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'policies');
const LANGUAGES = ['en-US', 'pt-BR'];

/**
 * xmldom reports most well-formedness errors but accepts an end tag that is a prefix of its start
 * tag (`<presentation>…</presentatio>`): the nesting of tags is checked here as well.
 */
function checkNesting(file: string, xml: string): void {
  const open: string[] = [];
  const withoutMarkup = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '').replace(/<!DOCTYPE[^>]*>/g, '');
  for (const [, closing, name, selfClosing] of withoutMarkup.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) open.push(name ?? '');
    else if (open.pop() !== name) throw new Error(`${file}: </${name}> does not close the element that is open`);
  }
  if (open.length !== 0) throw new Error(`${file}: <${open.join('>, <')}> never closed`);
}

/** Parses strictly: any well-formedness error fails the test with the parser's message. */
function parseXml(file: string): Document {
  const fail = (message: string) => {
    throw new Error(`${file}: ${message}`);
  };
  const xml = readFileSync(path.join(POLICIES, file), 'utf8');
  checkNesting(file, xml);
  const parser = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } });
  return parser.parseFromString(xml, 'text/xml');
}
const all = (doc: Document | Element, tag: string): Element[] => Array.from(doc.getElementsByTagName(tag));
const attr = (elements: Element[], name: string) => elements.map((element) => element.getAttribute(name)).filter((value): value is string => value !== null && value !== '');
/** `$(string.Id)` / `$(presentation.Id)` references in an attribute. */
const refs = (values: string[], kind: string) => values.flatMap((value) => [...value.matchAll(new RegExp(`\\$\\(${kind}\\.([^)]+)\\)`, 'g'))].map((match) => match[1]));

describe('issue 17 / R-DT-05 Group Policy template (build/policies/Atende.admx)', () => {
  const admx = parseXml('Atende.admx');
  const policies = all(admx, 'policy');

  it('uses the Atende.Policies namespace and writes only under Software\\Policies\\Atende (HKLM, machine policies)', () => {
    expect(attr(all(admx, 'target'), 'namespace')).toEqual(['Atende.Policies']);
    expect(new Set(attr(policies, 'key'))).toEqual(new Set([POLICY_KEY.replace(/^HKLM\\/, '')]));
    expect(new Set(attr(policies, 'class'))).toEqual(new Set(['Machine']));
  });

  it('names every policy value the app reads, and nothing else', () => {
    const valueNames = [...attr(policies, 'valueName'), ...policies.flatMap((policy) => attr(all(policy, '*'), 'valueName'))];
    expect([...valueNames].sort()).toEqual([...POLICY_VALUE_NAMES].sort());
  });

  it('offers exactly the languages the app accepts for language', () => {
    const values = all(admx, 'enum').flatMap((element) => all(element, 'string').map((value) => value.textContent));
    expect(values).toEqual(['pt-BR', 'en', 'es']);
    expect(policyLayer('admx', { language: 'es' }).problems).toEqual([]);
  });

  for (const language of LANGUAGES) {
    it(`${language}/Atende.adml has every string and presentation the template refers to`, () => {
      const adml = parseXml(`${language}/Atende.adml`);
      const strings = new Set(attr(all(adml, 'string'), 'id'));
      const presentations = new Set(attr(all(adml, 'presentation'), 'id'));
      const everyAttribute = all(admx, '*').flatMap((element) => Array.from(element.attributes, (a) => a.value));
      for (const id of refs(everyAttribute, 'string')) expect(strings, `string ${id}`).toContain(id);
      for (const id of refs(attr(policies, 'presentation'), 'presentation')) expect(presentations, `presentation ${id}`).toContain(id);
      // Each input element of a policy has its control in the presentation.
      const controls = new Set(attr(all(adml, '*'), 'refId'));
      for (const id of attr([...all(admx, 'text'), ...all(admx, 'enum')], 'id')) expect(controls, `control ${id}`).toContain(id);
    });
  }
});

describe('issue 17 / R-DT-05 macOS configuration profile (build/policies/com.atende.desktop.mobileconfig)', () => {
  const profile = parseXml('com.atende.desktop.mobileconfig');

  /** The plist <dict> as key → element pairs. */
  function entries(dict: Element): Map<string, Element> {
    const children = Array.from(dict.childNodes).filter((node): node is Element => node.nodeType === 1);
    const map = new Map<string, Element>();
    for (let i = 0; i + 1 < children.length; i += 2) map.set(children[i]?.textContent ?? '', children[i + 1] as Element);
    return map;
  }
  function plistValue(element: Element): unknown {
    if (element.tagName === 'string') return element.textContent;
    if (element.tagName === 'true' || element.tagName === 'false') return element.tagName === 'true';
    if (element.tagName === 'integer') return Number(element.textContent);
    if (element.tagName === 'array') return Array.from(element.childNodes).filter((n): n is Element => n.nodeType === 1).map(plistValue);
    throw new Error(`unexpected <${element.tagName}>`);
  }

  it('carries a payload for the app bundle id whose settings the app accepts without a problem', () => {
    const top = entries(all(profile, 'dict')[0] as Element);
    expect(top.get('PayloadType')?.textContent).toBe('Configuration');
    const payloads = all(top.get('PayloadContent') as Element, 'dict').map(entries);
    expect(payloads.map((payload) => payload.get('PayloadType')?.textContent)).toEqual([BUNDLE_ID]);
    const settings = Object.fromEntries(
      [...(payloads[0] ?? new Map<string, Element>())].filter(([key]) => !key.startsWith('Payload')).map(([key, element]) => [key, plistValue(element)]),
    );
    for (const key of Object.keys(settings)) expect(POLICY_VALUE_NAMES).toContain(key);
    const layer = policyLayer('mobileconfig', settings);
    expect(layer.problems).toEqual([]);
    expect(layer.values).toEqual({ serverUrl: 'https://atende.example.com', autoUpdate: false, updateUrl: 'https://atende.example.com/updates/' });
    expect(layer.locked).toEqual(['serverUrl', 'language', 'autoUpdate']);
  });
});

describe('issue 17 / R-DT-05 machine-config.ps1 writes the policy values the app reads', () => {
  const ps1 = readFileSync(path.join(POLICIES, '..', 'machine-config.ps1'), 'utf8');
  const validateSet = (parameter: string) =>
    [...(new RegExp(`\\[ValidateSet\\(([^)]*)\\)\\]\\[string(?:\\[\\])?\\]\\$${parameter}\\b`).exec(ps1)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);

  it('under the policy key, in the 64-bit view, with the app\'s value names', () => {
    expect(ps1).toContain(`CreateSubKey('${POLICY_KEY.replace(/^HKLM\\/, '')}')`);
    expect(ps1).toContain('[Microsoft.Win32.RegistryView]::Registry64');
    const written = [...ps1.matchAll(/SetValue\('(\w+)'/g)].map((m) => m[1]);
    expect([...written].sort()).toEqual([...POLICY_VALUE_NAMES].sort());
  });
  it('accepts only the languages and lockable keys the app knows', () => {
    expect(validateSet('Language')).toEqual([...DESKTOP_LANGUAGES]);
    expect(validateSet('LockedKeys')).toEqual([...CONFIG_KEYS]);
  });
});
