import { HttpException } from '@nestjs/common';
import { OrderLookupError } from '../payments/order-lookup.error.ts';
import { PaymentRequestError } from '../payments/payment-request.error.ts';
import { BaofooError } from '../protocol/errors.ts';

// Every error a caller can fix, with the answer Nest's exception layer gives it.
describe.each([
  [() => new OrderLookupError('TRANS_ID_INVALID', 'bad TransID', { transId: '"x"' }), 'OrderLookupError', 400, 'Bad Request'],
  [() => new OrderLookupError('MEMBER_ID_INVALID', 'bad MemberID', { memberId: '"m"' }), 'OrderLookupError', 400, 'Bad Request'],
  [() => new OrderLookupError('TRANS_ID_AMBIGUOUS', 'two merchants', { transId: 'T1', merchants: ['1', '2'] }), 'OrderLookupError', 400, 'Bad Request'],
  [() => new PaymentRequestError('PAYMENT_REQUEST_INVALID', 'bad field', { violations: [] }), 'PaymentRequestError', 400, 'Bad Request'],
  [() => new PaymentRequestError('MERCHANT_UNKNOWN', 'no such merchant'), 'PaymentRequestError', 400, 'Bad Request'],
  [() => new PaymentRequestError('TRANS_ID_TAKEN', 'taken', { transId: 'T1' }), 'PaymentRequestError', 409, 'Conflict'],
] as const)('a caller error (%#)', (make, name, status, phrase) => {
  const e = make();

  it(`is the HttpException ${status} ${phrase}, named ${name}, with its stable code in the body and in errorCode`, () => {
    expect(e).toBeInstanceOf(HttpException);
    expect(e).not.toBeInstanceOf(BaofooError);
    expect(e.name).toBe(name);
    expect(e.getStatus()).toBe(status);
    expect(e.getResponse()).toEqual({ statusCode: status, error: phrase, message: e.message, code: e.code, evidence: e.evidence });
    expect(e.errorCode).toBe(e.code);
  });
});
