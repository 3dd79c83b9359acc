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
  /** Bytes of upstream bodies passed on to the client so far: unchanged by a body that failed, nothing of it seen. */
  readonly bodyBytesForwarded: number;
  /** Headers chgate adds to whatever response goes out. */
  setHeader(name: string, value: string): void;
  /**
   * Streams a successful upstream body; rejects if the upstream breaks. Resolves to whether the body ended with an
   * exception ClickHouse wrote after streaming began. `holdBack`: nothing is passed on (not even the headers) until
   * the body ends, passes `bytes`, or its first chunk is `ms` old, so that a failure before then can be retried.
   * `onChunk` sees chunks as they are passed on.
   */
  forwardBody(
    upstream: UpstreamResponse,
    options: { isOnlyStatement: boolean; onChunk?: (chunk: Buffer) => void; holdBack?: { bytes: number; ms: number } | undefined },
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
  let bodyBytesForwarded = 0;
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
    for (const name in upstreamHeaders) {
      const value = upstreamHeaders[name];
      if (value !== undefined && isForwardedResponseHeader(name, isOnlyStatement)) response.setHeader(name, value);
    }
    for (const [name, value] of ownHeaders) response.setHeader(name, value);
    response.writeHead(status);
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
    get bodyBytesForwarded() {
      return bodyBytesForwarded;
    },
    forwardBody(upstream, { isOnlyStatement, onChunk, holdBack }) {
      // Events rather than `for await`: a stream's async iterator allocates several objects per chunk and per
      // stream, which made a small pass-through answer (SELECT 1) measurably dearer in garbage collection.
      const body: Readable = upstream.body;
      const tail = createTailKeeper();
      return new Promise((resolve, reject) => {
        let settled = false;
        // Chunks not passed on yet (holdBack): until then, a failure leaves the client with nothing of this body.
        const holdBytes = holdBack?.bytes ?? 0;
        const holdMs = holdBack?.ms ?? 0;
        let held: Buffer[] | undefined = holdBytes > 0 ? [] : undefined;
        let heldBytes = 0;
        let holdTimer: NodeJS.Timeout | undefined;
        const clientGone = (): boolean => aborter?.signal.aborted === true || (response.destroyed && !response.writableFinished);
        const cleanUp = (): void => {
          settled = true;
          if (holdTimer) clearTimeout(holdTimer);
          body.off('data', onData);
          body.off('end', onEnd);
          body.off('error', fail);
          body.off('close', onClose);
          response.off('drain', onDrain);
          response.off('close', onClientClose);
        };
        const fail = (error: unknown): void => {
          if (settled) return;
          cleanUp();
          body.destroy();
          if (clientGone()) reject(new ChgateError('NETWORK_ERROR', 'client closed the connection', { cause: error }));
          else reject(new ChgateError('NETWORK_ERROR', `the connection to ClickHouse broke while streaming: ${(error as Error).message}`, { cause: error }));
        };
        /** Passes a chunk on; false when the client's buffer is full. */
        const pass = (chunk: Buffer): boolean => {
          if (!response.headersSent) start(upstream.statusCode, upstream.headers, isOnlyStatement);
          tail.push(chunk);
          onChunk?.(chunk);
          bodyBytesForwarded += chunk.length;
          return response.write(chunk);
        };
        const release = (chunks: readonly Buffer[]): boolean => {
          held = undefined;
          if (holdTimer) clearTimeout(holdTimer);
          let hasRoom = true;
          for (const chunk of chunks) hasRoom = pass(chunk);
          return hasRoom;
        };
        const waitForRoom = (): void => {
          body.pause();
          response.once('drain', onDrain);
        };
        const onData = (chunk: Buffer): void => {
          try {
            if (held) {
              held.push(chunk);
              heldBytes += chunk.length;
              if (heldBytes <= holdBytes) {
                holdTimer ??= setTimeout(onHoldTimeout, holdMs);
                return;
              }
              if (!release(held)) waitForRoom();
              return;
            }
            // Backpressure: ClickHouse's answer waits while the client is slower.
            if (!pass(chunk)) waitForRoom();
          } catch (error) {
            fail(error);
          }
        };
        const onHoldTimeout = (): void => {
          try {
            if (!settled && held && !release(held)) waitForRoom();
          } catch (error) {
            fail(error);
          }
        };
        const onDrain = (): void => {
          body.resume();
        };
        const onEnd = (): void => {
          if (settled) return;
          try {
            if (held) release(held);
          } catch (error) {
            fail(error);
            return;
          }
          cleanUp();
          resolve({ endedWithException: endsWithException(tail.text()) });
        };
        // Closed without 'end' (destroyed without an error): cut short.
        const onClose = (): void => fail(new Error('premature close'));
        const onClientClose = (): void => {
          if (!response.writableFinished) fail(new Error('client closed the connection'));
        };
        body.on('data', onData);
        body.once('end', onEnd);
        body.once('error', fail);
        body.once('close', onClose);
        response.once('close', onClientClose);
      });
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
