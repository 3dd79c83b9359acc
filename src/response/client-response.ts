import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ChgateError, formatErrorBody } from '../errors/error-catalogue.js';
import { clickHouseErrorCode } from '../upstream/clickhouse-error-code.js';
import type { UpstreamResponse } from '../upstream/upstream-node.js';
import { createTailKeeper, endsWithException } from './detect-trailing-exception.js';

/**
 * The client's response across every statement of a body. Headers go out with the first byte of output, so an
 * error before any output still gets its own status; after that, errors are appended to the body the way
 * ClickHouse reports an exception after streaming began.
 */
export interface ClientResponse {
  readonly isStarted: boolean;
  /** Headers chgate adds to whatever response goes out. */
  setHeader(name: string, value: string): void;
  /**
   * Streams a successful upstream body; rejects if the upstream breaks. Resolves to whether the body ended with an
   * exception ClickHouse wrote after streaming began.
   */
  forwardBody(
    upstream: UpstreamResponse,
    options: { isOnlyStatement: boolean; onChunk?: (chunk: Buffer) => void },
  ): Promise<{ endedWithException: boolean }>;
  /** A cached response: its stored headers and bytes, in one write. */
  replay(status: number, headers: Readonly<Record<string, string>>, body: Buffer): void;
  /**
   * An upstream error response: its status, headers and body as ClickHouse sent them; `readableBody`: the body
   * decoded, when ClickHouse compressed it (for the exception code).
   */
  forwardError(upstream: UpstreamResponse, body: Buffer, readableBody?: Buffer): void;
  /** An error chgate made itself. */
  fail(error: ChgateError): void;
  /** Ends a response that had no failure; `upstream` supplies headers when no statement had output. */
  finish(lastUpstream: UpstreamResponse | undefined): void;
  /** Aborted when the client goes away before the response ends. */
  readonly signal: AbortSignal;
}

// Headers of ClickHouse's response that describe the body; connection-level ones are node's business.
function isForwardedResponseHeader(name: string, isOnlyStatement: boolean): boolean {
  return (
    name === 'content-type' ||
    name === 'content-encoding' ||
    (isOnlyStatement && name === 'content-length') ||
    (name.startsWith('x-clickhouse-') && name !== 'x-clickhouse-query-id')
  );
}

export function createClientResponse(response: ServerResponse): ClientResponse {
  const ownHeaders = new Map<string, string>();
  // Created on first use: a cache hit never needs one, and AbortController is not free.
  let aborter: AbortController | undefined;
  const signal = (): AbortSignal => {
    if (!aborter) {
      const controller = new AbortController();
      aborter = controller;
      if (response.destroyed && !response.writableFinished) controller.abort();
      else response.once('close', () => {
        if (!response.writableFinished) controller.abort();
      });
    }
    return aborter.signal;
  };

  const start = (status: number, upstreamHeaders: UpstreamResponse['headers'], isOnlyStatement: boolean): void => {
    for (const [name, value] of Object.entries(upstreamHeaders)) {
      if (value !== undefined && isForwardedResponseHeader(name, isOnlyStatement)) response.setHeader(name, value);
    }
    for (const [name, value] of ownHeaders) response.setHeader(name, value);
    response.writeHead(status);
  };

  const writeChunk = async (chunk: Buffer): Promise<void> => {
    if (response.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        response.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        response.off('drain', onDrain);
        reject(new ChgateError('NETWORK_ERROR', 'client closed the connection'));
      };
      response.once('drain', onDrain);
      response.once('close', onClose);
    });
  };

  const failAfterStart = (text: string): void => {
    if (!response.writableEnded) response.end(text);
  };

  return {
    get isStarted() {
      return response.headersSent;
    },
    get signal() {
      return signal();
    },
    setHeader(name, value) {
      ownHeaders.set(name, value);
    },
    async forwardBody(upstream, { isOnlyStatement, onChunk }) {
      const body: Readable = upstream.body;
      const tail = createTailKeeper();
      try {
        for await (const chunk of body) {
          if (!response.headersSent) start(upstream.statusCode, upstream.headers, isOnlyStatement);
          tail.push(chunk as Buffer);
          onChunk?.(chunk as Buffer);
          await writeChunk(chunk as Buffer);
        }
        return { endedWithException: endsWithException(tail.text()) };
      } catch (error) {
        body.destroy();
        if (aborter?.signal.aborted) throw new ChgateError('NETWORK_ERROR', 'client closed the connection', { cause: error });
        throw new ChgateError('NETWORK_ERROR', `the connection to ClickHouse broke while streaming: ${(error as Error).message}`, { cause: error });
      }
    },
    replay(status, headers, body) {
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      for (const [name, value] of ownHeaders) response.setHeader(name, value);
      response.setHeader('content-length', body.length);
      response.writeHead(status);
      response.end(body);
    },
    forwardError(upstream, body, readableBody = body) {
      if (response.headersSent) {
        failAfterStart(body.toString('utf8'));
        return;
      }
      // ClickHouse 18.16 names the code only in the body: the header clients look for is added from it.
      if (upstream.headers['x-clickhouse-exception-code'] === undefined) {
        const code = clickHouseErrorCode(upstream.headers, readableBody);
        if (code !== undefined) ownHeaders.set('x-clickhouse-exception-code', String(code));
      }
      start(upstream.statusCode, upstream.headers, false);
      response.end(body);
    },
    fail(error) {
      const text = formatErrorBody(error);
      if (response.headersSent) {
        failAfterStart(text);
        return;
      }
      if (response.writableEnded) return;
      for (const [name, value] of ownHeaders) response.setHeader(name, value);
      response.setHeader('content-type', 'text/plain; charset=UTF-8');
      response.setHeader('x-clickhouse-exception-code', String(error.code));
      response.writeHead(error.status);
      response.end(text);
    },
    finish(lastUpstream) {
      if (response.writableEnded) return;
      if (!response.headersSent) {
        if (lastUpstream) start(200, lastUpstream.headers, false);
        else {
          for (const [name, value] of ownHeaders) response.setHeader(name, value);
          response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
        }
      }
      response.end();
    },
  };
}
