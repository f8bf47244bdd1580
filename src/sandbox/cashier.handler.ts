import type { IncomingMessage, ServerResponse } from 'node:http';
import { BaofooProtocolError, parseForm } from '../baofoo/protocol/index.ts';
import { renderCashierPage, renderErrorPage, renderNoticePage } from './cashier.page.ts';
import type { SandboxFaults } from './faults.ts';
import { BodyTooLargeError, readBody, redirect, sendHtml } from './http.util.ts';
import { applyOutcome, OutcomeError, type SandboxOutcome } from './outcome.ts';
import type { SandboxContext } from './sandbox.context.ts';

/** The cashier's own pages: `GET /cashier/{token}` and its buttons `POST /cashier/{token}/(pay|fail|abandon)`. */

function faultsFromForm(form: Record<string, string>, payId: string): SandboxFaults {
  const on = (name: string) => form[`fault-${name}`] === 'on';
  const faults: SandboxFaults = {};
  if (on('drop')) faults.dropNotification = true;
  if (on('duplicates')) faults.duplicates = 3;
  if (on('corrupt-signature')) faults.corruptSignature = true;
  if (on('extra-bankid')) faults.extraFields = { BankID: payId };
  if (on('failure-after-success')) faults.outOfOrder = 'failure-after-success';
  if (on('gbk')) faults.charset = 'gbk';
  if (on('notify-before-browser')) faults.notifyTiming = 'before-browser';
  if (on('notify-after-browser')) faults.notifyTiming = 'after-browser';
  return faults;
}

export async function handleCashier(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, token: string, action: string | undefined): Promise<void> {
  const payment = ctx.store.byCashierToken(token);
  if (!payment) return sendHtml(res, 404, renderErrorPage('UNKNOWN_CASHIER', 'no such cashier page'));
  if (action === undefined) {
    if (req.method !== 'GET') return sendHtml(res, 405, renderErrorPage('METHOD_NOT_ALLOWED', 'use GET'));
    if (payment.state !== 'submitted') return sendHtml(res, 409, renderNoticePage('Payment finished', `This order is ${payment.state}.`));
    return sendHtml(res, 200, renderCashierPage(payment));
  }
  if (req.method !== 'POST') return sendHtml(res, 405, renderErrorPage('METHOD_NOT_ALLOWED', 'use POST'));

  let form: Record<string, string>;
  try {
    form = parseForm((await readBody(req)).toString('utf8'), 'utf-8');
  } catch (e) {
    if (e instanceof BodyTooLargeError || e instanceof BaofooProtocolError) return sendHtml(res, 400, renderErrorPage('FORM_MALFORMED', e.message));
    throw e;
  }
  const payId = form.PayID || undefined;
  let outcome: SandboxOutcome;
  if (action === 'pay') {
    const face = form.FaceValue;
    if (face !== undefined && !/^[0-9]{1,9}$/.test(face)) return sendHtml(res, 400, renderErrorPage('BAD_OUTCOME', 'FaceValue must be a whole number of fen'));
    outcome = { result: 'paid', payId, faceValue: face === undefined ? undefined : Number(face) };
  } else if (action === 'fail') {
    outcome = { result: 'failed', payId, resultDesc: form.ResultDesc || undefined };
  } else if (action === 'abandon') {
    outcome = { result: 'abandoned' };
  } else {
    return sendHtml(res, 404, renderErrorPage('NOT_FOUND', `no cashier action ${action}`));
  }

  try {
    const applied = await applyOutcome(ctx, payment, outcome, {
      via: 'cashier',
      browser: 'redirect',
      faults: faultsFromForm(form, payId ?? payment.request.PayID),
    });
    if (!applied.pageUrl) {
      return sendHtml(res, 200, renderNoticePage('Payment abandoned', 'You left the cashier. The merchant gets no notification; its order query answers P (processing).'));
    }
    redirect(res, applied.pageUrl);
  } catch (e) {
    if (e instanceof OutcomeError) return sendHtml(res, e.code === 'ALREADY_DECIDED' ? 409 : 400, renderErrorPage(e.code, e.message));
    throw e;
  }
}
