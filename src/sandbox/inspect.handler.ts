import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateFaults, type SandboxFaults } from './faults.ts';
import { BodyTooLargeError, readBody, sendJson } from './http.util.ts';
import { applyOutcome, notifyAgain, OutcomeError, settleSilently, type SandboxOutcome, type SandboxSettlement } from './outcome.ts';
import { viewPayment, type SandboxPayment } from './payment.store.ts';
import type { RecordFilter, SandboxRecordType } from './recorder.ts';
import type { SandboxContext } from './sandbox.context.ts';

/**
 * The JSON side door under `/_sandbox/` for tests and tools in another process:
 *   GET  /_sandbox/records[?type=&transId=&memberId=]   what happened, in order
 *   GET  /_sandbox/payments                              the orders and their state
 *   GET  /_sandbox/faults                                global and per-TransID faults
 *   PUT  /_sandbox/faults          {faults, transId?}    replace them ({} clears)
 *   POST /_sandbox/payments/{TransID}/outcome  {result, payId?, faceValue?, factMoney?, resultDesc?, memberId?, browser?, faults?, wait?}
 *   POST /_sandbox/payments/{TransID}/settle   {result, factMoney?, resultDesc?, payId?, memberId?}
 *   POST /_sandbox/payments/{TransID}/notify-again {memberId?, faults?, wait?}
 */

const RECORD_TYPES = new Set<SandboxRecordType>(['payindex', 'outcome', 'notification', 'delivery', 'browser-return', 'query']);

class BadRequest extends Error {}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, 64 * 1024)).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequest('the body must be a JSON object');
  return value as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequest(`${name} must be a string`);
  return v;
}

function optionalFen(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new BadRequest(`${name} must be a whole number of fen`);
  return v;
}

function faultsOf(body: Record<string, unknown>): SandboxFaults | undefined {
  if (body.faults === undefined) return undefined;
  try {
    return validateFaults(body.faults);
  } catch (e) {
    throw new BadRequest((e as Error).message);
  }
}

function outcomeOf(body: Record<string, unknown>): SandboxOutcome {
  const payId = optionalString(body, 'payId');
  switch (body.result) {
    case 'paid':
      return { result: 'paid', payId, faceValue: optionalFen(body, 'faceValue'), factMoney: optionalFen(body, 'factMoney') };
    case 'failed':
      return { result: 'failed', payId, resultDesc: optionalString(body, 'resultDesc') };
    case 'abandoned':
      return { result: 'abandoned' };
    default:
      throw new BadRequest("result must be 'paid', 'failed' or 'abandoned'");
  }
}

function findPayment(ctx: SandboxContext, transId: string, body: Record<string, unknown>): SandboxPayment {
  let payment: SandboxPayment | undefined;
  try {
    payment = ctx.store.find(transId, optionalString(body, 'memberId'));
  } catch (e) {
    throw new BadRequest((e as Error).message);
  }
  if (!payment) throw new OutcomeError('UNKNOWN_ORDER', `no order ${transId} was submitted`);
  return payment;
}

export async function handleInspect(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname.slice('/_sandbox'.length);
  try {
    if (req.method === 'GET' && path === '/records') {
      const filter: RecordFilter = {};
      const type = url.searchParams.get('type');
      if (type !== null) {
        if (!RECORD_TYPES.has(type as SandboxRecordType)) throw new BadRequest(`type must be one of ${[...RECORD_TYPES].join(', ')}`);
        filter.type = type as SandboxRecordType;
      }
      filter.transId = url.searchParams.get('transId') ?? undefined;
      filter.memberId = url.searchParams.get('memberId') ?? undefined;
      return sendJson(res, 200, ctx.recorder.list(filter));
    }
    if (req.method === 'GET' && path === '/payments') return sendJson(res, 200, ctx.store.all().map(viewPayment));
    if (req.method === 'GET' && path === '/faults') return sendJson(res, 200, ctx.faults.snapshot());
    if (req.method === 'PUT' && path === '/faults') {
      const body = await readJson(req);
      ctx.faults.set(faultsOf(body) ?? {}, optionalString(body, 'transId'));
      return sendJson(res, 200, ctx.faults.snapshot());
    }
    const m = /^\/payments\/([^/]+)\/(outcome|settle|notify-again)$/.exec(path);
    if (req.method === 'POST' && m) {
      const transId = decodeURIComponent(m[1]);
      const body = await readJson(req);
      const payment = findPayment(ctx, transId, body);
      const wait = body.wait === true;
      if (m[2] === 'outcome') {
        const applied = await applyOutcome(ctx, payment, outcomeOf(body), { via: 'api', browser: body.browser === true ? 'visit' : 'none', faults: faultsOf(body) });
        const deliveries = wait ? await applied.deliveries : undefined;
        return sendJson(res, 200, { payment: viewPayment(payment), fields: applied.fields ?? null, pageUrl: applied.pageUrl ?? null, deliveries });
      }
      if (m[2] === 'settle') {
        const outcome = outcomeOf(body);
        if (outcome.result === 'abandoned') throw new BadRequest("a settlement is 'paid' or 'failed'");
        settleSilently(ctx, payment, outcome as SandboxSettlement);
        return sendJson(res, 200, { payment: viewPayment(payment) });
      }
      const deliveries = notifyAgain(ctx, payment, faultsOf(body));
      return sendJson(res, 200, { payment: viewPayment(payment), deliveries: wait ? await deliveries : undefined });
    }
    return sendJson(res, 404, { error: 'NOT_FOUND', message: `no ${req.method} ${url.pathname}` });
  } catch (e) {
    if (e instanceof BadRequest || e instanceof BodyTooLargeError) return sendJson(res, 400, { error: 'BAD_REQUEST', message: e.message });
    if (e instanceof OutcomeError) return sendJson(res, e.code === 'UNKNOWN_ORDER' ? 404 : e.code === 'ALREADY_DECIDED' ? 409 : 400, { error: e.code, message: e.message });
    throw e;
  }
}
