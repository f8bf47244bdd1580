import { Inject, Injectable, Optional } from '@nestjs/common';
import { BAOFOO_OPTIONS } from '../baofoo.constants.ts';
import { BaofooObservation, UNOBSERVED } from '../common/observation/baofoo-observation.ts';
import type { ResolvedBaofooOptions } from '../config/resolved-options.ts';
import { decodeText } from '../protocol/charset.ts';
import { BaofooProtocolError } from '../protocol/errors.ts';
import { renderForm } from '../protocol/form-encoding.ts';
import type { QueryAnswer } from '../protocol/order-query.ts';
import { BaofooSigner } from '../signing/baofoo-signer.service.ts';
import {
  GatewayQueryBadSignatureError,
  GatewayQueryHttpError,
  GatewayQueryNetworkError,
  GatewayQueryRefusedError,
  GatewayQueryTimeoutError,
  GatewayQueryUnparseableError,
} from './gateway-query.errors.ts';

/** The order to ask about. */
export interface QueryTarget {
  memberId: string;
  terminalId: string;
  transId: string;
}

/** A verified answer and where it came from (for the ledger). */
export interface GatewayQueryResult {
  answer: QueryAnswer;
  /** The answer text as received (its Md5Sign included). */
  text: string;
  status: number;
  /** Host (and port) of the gateway that answered. */
  host: string;
}

// A real answer is about 100 bytes; anything far larger is not one, and is not read whole.
const MAX_ANSWER_BYTES = 16 * 1024;

function looksLikeMarkup(text: string): boolean {
  return /<\s*[a-z!/?]/i.test(text);
}

async function readCapped(res: Response): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES);
}

/**
 * Asks the configured environment's gateway for an order's state (spec §4):
 * a signed form POST to `endpoints.queryUrl`, and an answer that is returned
 * only once it parsed, verified against the merchant's key ring and turned out
 * to be about the order asked for. Everything else is a `GatewayQueryError`.
 */
@Injectable()
export class GatewayQueryClient {
  constructor(
    @Inject(BAOFOO_OPTIONS) private readonly options: ResolvedBaofooOptions,
    private readonly signer: BaofooSigner,
    @Optional() private readonly observation: BaofooObservation = UNOBSERVED,
  ) {}

  query(target: QueryTarget): Promise<GatewayQueryResult> {
    return this.observation.observer.gatewayQuery(target, () => this.queryNow(target));
  }

  private async queryNow(target: QueryTarget): Promise<GatewayQueryResult> {
    const url = this.options.endpoints.queryUrl;
    const timeoutMs = this.options.reconciliation.queryTimeoutMs;
    const fields = this.signer.queryRequest(target.memberId, target.terminalId, target.transId);
    const charset = this.options.charset;
    let status: number;
    let bytes: Buffer;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': `application/x-www-form-urlencoded; charset=${charset}`, accept: 'text/plain' },
        body: renderForm({ ...fields }, charset),
        redirect: 'manual',
        // Covers reading the body as well as connecting: a gateway that trickles its answer times out too.
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      bytes = await readCapped(res);
    } catch (e) {
      // By name, not instanceof: the DOMException may come from another realm (e.g. a test VM).
      const name = (e as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new GatewayQueryTimeoutError(url, timeoutMs);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new GatewayQueryNetworkError(url, cause?.code ?? cause?.message ?? (e as Error).message);
    }
    const text = decodeText(bytes, charset).trim();
    if (status < 200 || status > 299) throw new GatewayQueryHttpError(status, text.slice(0, 200));
    return { answer: this.read(text, target), text, status, host: new URL(url).host };
  }

  private read(text: string, target: QueryTarget): QueryAnswer {
    if (text.split('|').length !== 7) {
      // The gateway answers bad parameters with a short plain message; an HTML page or nothing at all is not one.
      if (text === '' || text.length > 500 || looksLikeMarkup(text)) throw new GatewayQueryUnparseableError('neither the seven fields nor a gateway message', text.slice(0, 200));
      throw new GatewayQueryRefusedError(text);
    }
    let answer: QueryAnswer;
    try {
      answer = this.signer.parseQueryAnswer(text);
    } catch (e) {
      if (!(e instanceof BaofooProtocolError)) throw e;
      if (e.code === 'QUERY_ANSWER_BAD_SIGNATURE') throw new GatewayQueryBadSignatureError(text);
      throw new GatewayQueryUnparseableError(e.message, text.slice(0, 200));
    }
    // A verified answer about another order (or merchant) must not settle this one.
    if (answer.memberId !== target.memberId || answer.terminalId !== target.terminalId || answer.transId !== target.transId) {
      throw new GatewayQueryUnparseableError(`the answer is about ${answer.memberId}/${answer.terminalId}/${answer.transId}, not the order asked for`, text);
    }
    return answer;
  }
}
