// Network functions: IPv4 and IPv6 CIDR arithmetic (cidrsubnet, cidrhost, cidrnetmask, cidrsubnets).
import type { Value } from '../value.js';
import { FunctionError, type HclFunction } from './call.js';
import { num, str, wholeNumber } from './args.js';

interface Cidr {
  /** The network address (host bits cleared). */
  readonly addr: bigint;
  readonly prefix: number;
  /** 32 or 128. */
  readonly bits: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    // Terraform's ipaddr accepts leading zeros (as decimal), unlike recent Go.
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseIPv6(s: string): bigint | undefined {
  let tail: bigint | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    text = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) n = (n & ~0xffffffffn) | tail;
  return n;
}

function parseCidr(s: string, arg: number): Cidr {
  const bad = () => new FunctionError(`invalid CIDR expression: invalid CIDR address: ${s}`, arg);
  const slash = s.indexOf('/');
  if (slash < 0) throw bad();
  const ipText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) throw bad();
  const prefix = Number(prefixText);
  const v4 = ipText.includes(':') ? undefined : parseIPv4(ipText);
  const v6 = v4 === undefined ? parseIPv6(ipText) : undefined;
  const bits = v4 !== undefined ? 32 : 128;
  const ip = v4 ?? v6;
  if (ip === undefined || prefix > bits) throw bad();
  const hostBits = BigInt(bits - prefix);
  return { addr: (ip >> hostBits) << hostBits, prefix, bits };
}

function formatIP(n: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((n >> s) & 0xffffn));
  // RFC 5952: the longest run (of two or more) zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

function bigWhole(v: Value, arg: number): bigint {
  return BigInt(wholeNumber(v, arg));
}

function cidrsubnet(prefixText: string, newbitsV: Value, netnumV: Value): string {
  const c = parseCidr(prefixText, 0);
  const newbits = wholeNumber(newbitsV, 1);
  const netnum = bigWhole(netnumV, 2);
  if (newbits < 0) throw new FunctionError('must extend the prefix by zero or more bits', 1);
  const newPrefix = c.prefix + newbits;
  if (newPrefix > c.bits) throw new FunctionError(`insufficient address space to extend prefix of ${c.prefix} by ${newbits}`, 1);
  const max = (1n << BigInt(newbits)) - 1n;
  if (netnum < 0n || netnum > max) {
    throw new FunctionError(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`, 2);
  }
  const addr = c.addr | (netnum << BigInt(c.bits - newPrefix));
  return `${formatIP(addr, c.bits)}/${newPrefix}`;
}

function cidrhost(prefixText: string, hostnumV: Value): string {
  const c = parseCidr(prefixText, 0);
  const hostnum = bigWhole(hostnumV, 1);
  const max = (1n << BigInt(c.bits - c.prefix)) - 1n;
  // A negative host number counts back from the end of the range (-1 is the last address).
  const n = hostnum < 0n ? max + hostnum + 1n : hostnum;
  if (n < 0n || n > max) throw new FunctionError(`prefix of ${c.prefix} does not accommodate a host numbered ${hostnum}`, 1);
  return formatIP(c.addr | n, c.bits);
}

function cidrnetmask(prefixText: string): string {
  const c = parseCidr(prefixText, 0);
  if (c.bits !== 32) throw new FunctionError(`IPv6 addresses cannot have a netmask: ${prefixText}`, 0);
  const mask = ((1n << BigInt(c.prefix)) - 1n) << BigInt(32 - c.prefix);
  return formatIP(mask, 32);
}

/** Network functions. */
export const networkFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  cidrsubnet: {
    params: [str('prefix'), num('newbits'), num('netnum')],
    cost: 200,
    impl: ([p, nb, nn]) => cidrsubnet(p as string, nb, nn),
  },
  cidrhost: { params: [str('prefix'), num('hostnum')], cost: 200, impl: ([p, h]) => cidrhost(p as string, h) },
  cidrnetmask: { params: [str('prefix')], cost: 200, impl: ([p]) => cidrnetmask(p as string) },
  cidrsubnets: {
    params: [str('prefix')],
    cost: 200,
    variadic: num('newbits'),
    impl: ([p, ...newbits]) => {
      const base = parseCidr(p as string, 0);
      const out: string[] = [];
      // Each subnet starts at the first address after the previous one, aligned to its own size.
      let next = base.addr;
      const end = base.addr + (1n << BigInt(base.bits - base.prefix));
      newbits.forEach((nb, k) => {
        const n = wholeNumber(nb, k + 1);
        if (n < 1) throw new FunctionError('must extend prefix by at least one bit', k + 1);
        if (n > 32) throw new FunctionError('may not extend prefix by more than 32 bits', k + 1);
        const len = base.prefix + n;
        if (len > base.bits) {
          throw new FunctionError(`would extend prefix to ${len} bits, which is too long for an ${base.bits === 32 ? 'IPv4' : 'IPv6'} address`, k + 1);
        }
        const size = 1n << BigInt(base.bits - len);
        const start = ((next + size - 1n) / size) * size;
        if (start + size > end) {
          const prev = out.length ? out[out.length - 1] : `${formatIP(base.addr, base.bits)}/${base.prefix}`;
          throw new FunctionError(`not enough remaining address space for a subnet with a prefix of ${len} bits after ${prev}`, k + 1);
        }
        out.push(`${formatIP(start, base.bits)}/${len}`);
        next = start + size;
      });
      return out;
    },
  },
});
