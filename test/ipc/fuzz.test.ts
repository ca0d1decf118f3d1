// Every handler, fed wrong types, missing fields, unknown fields, huge strings and hostile
// paths (`..`, NUL, relative, not normalized), answers `{ ok: false, error }` with a known code
// and a short, stack-free message. Nothing throws out of dispatch and nothing hangs (a hang
// fails the test by its timeout). The dispatch runs against the REAL app context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { API_ERROR_CODES, REQUEST_CHANNELS, requests, type RequestChannel } from '../../electron/ipc/contract';
import { createAppFixture, type AppFixture } from './app-fixture';

let f: AppFixture;
beforeAll(async () => {
  f = await createAppFixture();
});
afterAll(async () => {
  await f.close();
});

const HUGE = 'A'.repeat(1024 * 1024);
const PATH_KEYS = new Set([
  'path',
  'from',
  'to',
  'paths',
  'root',
  'targetDir',
  'sources',
  'keyPath',
  'linkPath',
  'defaultPath',
  'localDir',
  'remoteDir',
  'extraKnownHostsFiles',
]);
const ID_KEYS = new Set(['sessionId', 'listId', 'findId', 'jobId', 'id', 'bookmarkId']);

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  in?: z.ZodType;
};
const def = (s: z.ZodType): Def => (s as unknown as { def: Def }).def;

function unwrap(s: z.ZodType): z.ZodType {
  let d = def(s);
  while (['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(d.type) && d.innerType) {
    s = d.innerType;
    d = def(s);
  }
  if (d.type === 'pipe' && d.in) return unwrap(d.in);
  return s;
}
const isOptional = (s: z.ZodType): boolean => ['optional', 'default', 'prefault'].includes(def(s).type);

/** A plausible (but harmless) value: ids that do not exist, paths under a folder that does not exist. */
function plausible(s: z.ZodType, key: string | undefined, base: string): unknown {
  const u = unwrap(s);
  const d = def(u);
  switch (d.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d.shape ?? {})) o[k] = plausible(v, k, base);
      return o;
    }
    case 'union':
      return plausible(d.options![d.options!.length - 1]!, key, base);
    case 'string':
      if (key && ID_KEYS.has(key)) return 'no-such-id';
      if (key === 'remoteDir') return '/srv/none';
      if (key && PATH_KEYS.has(key)) return `${base}/none/x`;
      if (key === 'host') return 'host.invalid';
      return 'x';
    case 'number':
      return 22;
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(d.entries ?? {})[0];
    case 'literal':
      return d.values?.[0];
    case 'array':
      return [plausible(d.element!, key, base)];
    case 'undefined':
      return undefined;
    default:
      return undefined;
  }
}

/** Top-level values no channel accepts (except `undefined` for argument-less ones). */
const GARBAGE: unknown[] = [
  null,
  0,
  -1,
  1.5,
  true,
  'str',
  HUGE,
  [],
  [1, 2],
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
];
const HOSTILE_PATHS = ['../etc/passwd', '/tmp/../etc/passwd', '/tmp/./x', 'relative/path', '/tmp/a\0b', '\0', `/${'a/'.repeat(3000)}`, '/tmp//x', HUGE];

interface Case {
  label: string;
  arg: unknown;
}

function cases(channel: RequestChannel, base: string): Case[] {
  const schema = requests[channel] as z.ZodType;
  const out: Case[] = GARBAGE.map((g, i) => ({ label: `garbage#${i}`, arg: g }));
  const u = unwrap(schema);
  const variants = def(u).type === 'union' ? def(u).options!.map(unwrap) : [u];
  for (const v of variants) {
    if (def(v).type !== 'object') continue;
    const good = plausible(v, undefined, base) as Record<string, unknown>;
    out.push({ label: 'unknown field', arg: { ...good, evil: 1 } });
    for (const [k, fieldSchema] of Object.entries(def(v).shape ?? {})) {
      if (!isOptional(fieldSchema)) {
        const missing = { ...good };
        delete missing[k];
        out.push({ label: `missing ${k}`, arg: missing });
      }
      const inner = def(unwrap(fieldSchema)).type;
      out.push({ label: `${k}: wrong type`, arg: { ...good, [k]: inner === 'string' || inner === 'enum' ? 12345 : 'not-the-type' } });
      out.push({ label: `${k}: object`, arg: { ...good, [k]: { toString: 'x' } } });
      out.push({ label: `${k}: huge string`, arg: { ...good, [k]: HUGE } });
      if (PATH_KEYS.has(k)) {
        for (const p of HOSTILE_PATHS)
          out.push({ label: `${k}: hostile ${JSON.stringify(p.slice(0, 30))}`, arg: { ...good, [k]: inner === 'array' ? [p] : p } });
      }
    }
  }
  return out;
}

describe('fuzzing every handler', () => {
  it.each(REQUEST_CHANNELS.map((c) => [c]))('%s refuses bad input as data', async (channel) => {
    let count = 0;
    for (const c of cases(channel as RequestChannel, f.tmp)) {
      const r = await f.call(channel, c.arg);
      count += 1;
      const where = `${channel} ← ${c.label}`;
      expect(r, where).toHaveProperty('ok', false);
      expect(API_ERROR_CODES, where).toContain(r.error!.code);
      expect(typeof r.error!.message, where).toBe('string');
      expect(r.error!.message.length, where).toBeGreaterThan(0);
      expect(r.error!.message.length, where).toBeLessThanOrEqual(301);
      expect(r.error!.message, where).not.toMatch(/\n\s+at /);
      expect(JSON.stringify(r).length, where).toBeLessThan(2000);
    }
    expect(count).toBeGreaterThanOrEqual(GARBAGE.length);
    // Nothing leaked onto the prototype chain.
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('refuses hostile local paths even where the schema lets a string through', async () => {
    for (const p of ['../etc', '/tmp/../etc', 'relative', '/tmp/./x', '/tmp//x']) {
      for (const [channel, arg] of [
        ['local:list-dir', { path: p }],
        ['local:stat', { path: p }],
        ['local:mkdir', { path: p }],
        ['local:delete', { paths: [p] }],
        ['local:rename', { from: p, to: `${f.tmp}/y` }],
      ] as const) {
        expect(await f.call(channel, arg), `${channel} ${p}`).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      }
    }
  });

  it('will not delete the root of the local disk', async () => {
    expect(await f.call('local:delete', { paths: ['/'], recursive: true })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  });
});

describe('secrets never echo back', () => {
  it('a refused call that carried a password does not repeat it in the error', async () => {
    const secret = 'hunter2-very-secret';
    const attempts: Array<[string, unknown]> = [
      ['session:connect', { host: 'h', port: 'x', username: 'u', password: secret }],
      ['session:connect', { host: 'h', username: 'u', password: `${secret}\0` }],
      ['session:connect', { bookmarkId: 'no-such', password: secret }],
      ['secrets:set', { bookmarkId: 'no-such', kind: 'password', secret }],
      ['secrets:set', { bookmarkId: 'no-such', kind: 'pin', secret }],
      ['bookmarks:create', { bookmark: { name: 'x', host: 'bad host', username: 'u' }, password: secret }],
      ['question:answer', { id: 'gone', answer: { kind: 'password', secret, remember: false } }],
    ];
    for (const [channel, arg] of attempts) {
      const r = await f.call(channel, arg);
      expect(r.ok, channel).toBe(false);
      expect(JSON.stringify(r), channel).not.toContain('hunter2');
    }
  });
});
