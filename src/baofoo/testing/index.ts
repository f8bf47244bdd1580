/**
 * Helpers for the merchant's own tests: signed notifications as the gateway
 * sends them, one fixture per result code, and delivery to an app. Import
 * from this entry point only in tests; the main entry does not export it.
 */
export { signedNotification, type SignedNotification, type SignedNotificationOptions } from './signed-notification.ts';
export { RESULT_FIXTURES, describeFixture, type ResultFixture } from './result-fixtures.ts';
export { deliverNotification, type DeliveryAnswer, type DeliveryOptions } from './deliver-notification.ts';
export { eventsDelivered } from './events-delivered.ts';
// The local gateway, so a test can take a real payment end to end (see also `nestjs-baofoo/sandbox`).
export { startSandboxGateway, SandboxGateway, type PayOptions, type PayReceipt } from '../../sandbox/sandbox-gateway.ts';
export { PUBLISHED_TEST_MERCHANT, type SandboxMerchant, type SandboxOptions } from '../../sandbox/sandbox.options.ts';
