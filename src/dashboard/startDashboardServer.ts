import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { DashboardReader } from './DashboardReader';
import { handleApiRequest } from './handleApiRequest';

/** Options of {@link startDashboardServer}. */
export interface DashboardServerOptions {
  readonly reader: DashboardReader;
  /** The address to listen on; loopback unless asked otherwise. @default '127.0.0.1' */
  readonly host?: string;
  /** The port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Where unexpected errors are reported. @default stderr */
  readonly log?: (line: string) => void;
}

/** A running dashboard server. */
export interface DashboardServer {
  /** `http://host:port/`, the address to open. */
  readonly url: string;
  close(): Promise<void>;
}

const PUBLIC_DIR = path.join(__dirname, 'public');
const UPLOT_DIR = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');

/** The static files of the page: plain HTML, JS and CSS, and uPlot's own build from node_modules (no bundler). */
const STATIC_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: path.join(PUBLIC_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: path.join(PUBLIC_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: path.join(PUBLIC_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': { file: path.join(UPLOT_DIR, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { file: path.join(UPLOT_DIR, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/**
 * Serves the web dashboard and its API (docs/dashboard.md) with Node's own http
 * module: a handful of fixed routes need no framework.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const server = createServer((request, response) => {
    void answer(options.reader, request, response).catch((error: unknown) => {
      const message = String((error as Error)?.message ?? error).split('\n')[0];
      log(`dashboard: ${request.url}: ${(error as Error)?.name ?? 'Error'}: ${message}`);
      if (!response.headersSent) sendJson(response, 500, { error: `${(error as Error)?.name ?? 'Error'}: ${message}` });
      else response.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(reader: DashboardReader, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://dashboard');
  if (url.pathname.startsWith('/api/')) {
    const { status, body } = await handleApiRequest(reader, request.method ?? 'GET', url.pathname, url.searchParams);
    return sendJson(response, status, body);
  }
  const file = STATIC_FILES[url.pathname];
  if (!file) return sendJson(response, 404, { error: `no such page ${url.pathname}` });
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: `${url.pathname} answers GET only` });
  const content = await readFile(file.file);
  response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  response.end(request.method === 'HEAD' ? undefined : content);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
