// A separate entry point (`nestjs-baofoo/bridge`): only apps that publish to RabbitMQ load it (and amqplib).
export { BaofooBridgeModule } from './baofoo-bridge.module.ts';
export { BAOFOO_BRIDGE_OPTIONS } from './baofoo-bridge.module-definition.ts';
export { BRIDGE_URL_VARIABLE, type BaofooBridgeOptions } from './bridge-options.ts';
export { OutboxBridge } from './outbox-bridge.service.ts';
