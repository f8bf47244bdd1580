// The public entry `nestjs-baofoo/protocol`: the Baofoo 4.0 protocol as pure functions (forms, signing
// strings, notifications, order queries, charsets, trade times), with no Nest and no I/O.
export * from './charset.ts';
export * from './errors.ts';
export * from './form-encoding.ts';
export * from './html.ts';
export * from './money.ts';
export * from './notification.ts';
export * from './order-query.ts';
export * from './payment-request.ts';
export * from './products.ts';
export * from './result-codes.ts';
export * from './signature.ts';
export * from './trade-time.ts';
export * from './trans-id.ts';
