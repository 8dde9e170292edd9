// Request validation: the checks every collection applies to a JSON body, each failing with a
// 400 that names the field and what it must be.

import { badRequest } from './errors.js';

export type Body = Record<string, unknown>;

export function str(body: Body, key: string, o: { max?: number } = {}): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`${key} is required and must be a non-empty string`);
  if (o.max !== undefined && v.length > o.max) throw badRequest(`${key} must be at most ${o.max} characters`);
  return v;
}

export function num(body: Body, key: string, o: { min: number; max: number }): number {
  const v = body[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${key} is required and must be a number`);
  if (v < o.min || v > o.max) throw badRequest(`${key} must be between ${o.min} and ${o.max}`);
  return v;
}

export function bool(body: Body, key: string, dflt: boolean): boolean {
  const v = body[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw badRequest(`${key} must be true or false`);
  return v;
}

export function enumOf<T extends string>(body: Body, key: string, allowed: readonly T[], dflt: T | undefined): T {
  const v = body[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw badRequest(`${key} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function optStrings(body: Body, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw badRequest(`${key} must be a list of strings`);
  return v as string[];
}
