// IPv4 arithmetic for simulated networks: addresses as 32-bit numbers, CIDR blocks as base and size.

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function tryParseCidr(cidr: string): { base: number; size: number; prefix: number } | undefined {
  const [ip, p] = cidr.split('/');
  const n = ipToInt(ip ?? '');
  const prefix = Number(p);
  if (n === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: n - (n % size), size, prefix };
}

export function parseCidr(cidr: string): { base: number; size: number } {
  const p = tryParseCidr(cidr);
  if (!p) throw new Error(`bad cidr in world: ${cidr}`);
  return p;
}
