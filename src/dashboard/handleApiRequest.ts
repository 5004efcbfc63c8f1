import { tryParseDuration, windowStartMs } from '../../core';
import { TopKeysDepthError } from '../query/errors';
import type { DashboardReader } from './DashboardReader';

/** An answer of the dashboard API: a status and a JSON body. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A bad request: answered 400 with `{"error": "<one line>"}`. */
class BadRequest extends Error {}

const TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}(T.*)?$/;
/** Most windows one chart request reads (one index query per part and window). */
export const MAX_CHART_WINDOWS = 120;
/** Windows the chart shows when `windows` is not given. */
const DEFAULT_CHART_WINDOWS = 30;

/** The parameters each endpoint accepts; anything else is refused, so a typo is not silently ignored. */
const ENDPOINTS: Record<string, readonly string[]> = {
  '/api/types': [],
  '/api/counts': ['type', 'window', 'windows', 'to'],
  '/api/top': ['type', 'window', 'top', 'at'],
  '/api/quarantine': [],
  '/api/health': [],
};

/**
 * The dashboard's HTTP API (docs/dashboard.md), independent of the transport: the
 * local server and the API Gateway Lambda both call it. GET only; bad parameters
 * answer 400 with one line saying which and why.
 */
export async function handleApiRequest(
  reader: DashboardReader,
  method: string,
  path: string,
  params: URLSearchParams,
  now = Date.now(),
): Promise<ApiResponse> {
  const accepted = ENDPOINTS[path];
  if (accepted === undefined)
    return { status: 404, body: { error: `no such endpoint ${path}; endpoints: ${Object.keys(ENDPOINTS).join(', ')}` } };
  if (method !== 'GET') return { status: 405, body: { error: `${path} answers GET only, got ${method}` } };
  try {
    for (const name of new Set(params.keys())) {
      if (!accepted.includes(name))
        throw new BadRequest(`unknown parameter "${name}" for ${path}${accepted.length ? `; it takes ${accepted.join(', ')}` : ''}`);
      if (params.getAll(name).length > 1) throw new BadRequest(`parameter "${name}" is given more than once`);
    }
    switch (path) {
      case '/api/types':
        return ok({ types: await reader.eventTypes() });
      case '/api/counts': {
        const type = typeParam(params);
        const { granularity, sizeMs } = windowParam(params);
        const windows = integerParam(params, 'windows', DEFAULT_CHART_WINDOWS, 1, MAX_CHART_WINDOWS);
        const toMs = windowStartMs(timeParam(params, 'to', now), sizeMs);
        const fromMs = toMs - (windows - 1) * sizeMs;
        return ok({ type, window: granularity, counts: await reader.windowCounts({ type, granularity, sizeMs, fromMs, toMs }) });
      }
      case '/api/top': {
        const type = typeParam(params);
        const { granularity, sizeMs } = windowParam(params);
        const limit = integerParam(params, 'top', 10, 1, 1_000);
        const start = windowStartMs(timeParam(params, 'at', now), sizeMs);
        const rows = await reader.topKeys({ type, granularity, windowStartMs: start, limit });
        return ok({ type, window: granularity, windowStart: new Date(start).toISOString(), rows });
      }
      case '/api/quarantine':
        return ok({ counts: await reader.quarantineCounts() });
      default:
        return ok(await reader.health());
    }
  } catch (error) {
    if (error instanceof BadRequest) return { status: 400, body: { error: error.message } };
    if (error instanceof TopKeysDepthError) return { status: 400, body: { error: `top: ${error.message}` } };
    throw error;
  }
}

function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}

function typeParam(params: URLSearchParams): string {
  const type = params.get('type');
  if (type === null) throw new BadRequest('parameter "type" is required (e.g. type=page_view)');
  if (!TYPE_PATTERN.test(type)) throw new BadRequest(`parameter "type" must be 1-64 characters of A-Z a-z 0-9 _ . : -, got "${type}"`);
  return type;
}

function windowParam(params: URLSearchParams): { granularity: string; sizeMs: number } {
  const granularity = params.get('window') ?? '1m';
  const sizeMs = tryParseDuration(granularity);
  if (sizeMs === undefined) throw new BadRequest(`parameter "window" must be a window such as 1m, 1h or 1d, got "${granularity}"`);
  return { granularity, sizeMs };
}

function integerParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = params.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new BadRequest(`parameter "${name}" must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

function timeParam(params: URLSearchParams, name: string, fallback: number): number {
  const text = params.get(name);
  if (text === null) return fallback;
  const ms = Date.parse(text);
  if (!ISO_PATTERN.test(text) || Number.isNaN(ms))
    throw new BadRequest(`parameter "${name}" must be an ISO-8601 time such as 2026-11-26T12:00:00Z, got "${text}"`);
  return ms;
}
