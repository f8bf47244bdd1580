import { BaofooError } from '../protocol/errors.ts';

/**
 * An order query that produced no trustworthy answer. None of these is a
 * state of the order: the caller changes nothing and asks again later.
 */
export class GatewayQueryError extends BaofooError {}

/** No complete answer within `reconciliation.queryTimeoutMs`. */
export class GatewayQueryTimeoutError extends GatewayQueryError {
  constructor(url: string, timeoutMs: number) {
    super('QUERY_TIMEOUT', `the gateway did not answer the order query within ${timeoutMs} ms`, { url, timeoutMs });
  }
}

/** The request never got an HTTP answer (refused connection, DNS, TLS, reset). */
export class GatewayQueryNetworkError extends GatewayQueryError {
  constructor(url: string, detail: string) {
    super('QUERY_NETWORK', `the order query could not reach the gateway: ${detail}`, { url, detail });
  }
}

/** The gateway answered with an HTTP status other than 2xx. */
export class GatewayQueryHttpError extends GatewayQueryError {
  constructor(
    readonly status: number,
    text: string,
  ) {
    super('QUERY_HTTP_STATUS', `the gateway answered the order query with HTTP ${status}`, { status, text });
  }
}

/** The answer is neither the seven fields nor a plain message (HTML, malformed fields, another order's answer…). */
export class GatewayQueryUnparseableError extends GatewayQueryError {
  constructor(reason: string, text: string) {
    super('QUERY_ANSWER_UNPARSEABLE', `the order-query answer cannot be read: ${reason}`, { text });
  }
}

/** Seven well-formed fields whose Md5Sign no key of the merchant verifies: possibly forged, never believed. */
export class GatewayQueryBadSignatureError extends GatewayQueryError {
  constructor(text: string) {
    super('QUERY_ANSWER_BAD_SIGNATURE', 'the order-query answer signature does not verify', { text });
  }
}

/** The gateway answered a plain-text message instead of the seven fields (bad parameters, too frequent, …). */
export class GatewayQueryRefusedError extends GatewayQueryError {
  constructor(readonly gatewayText: string) {
    super('QUERY_GATEWAY_ERROR', `the gateway refused the order query: ${gatewayText}`, { text: gatewayText });
  }
}
