import { baofooAsyncApiJson } from '../../baofoo/events/asyncapi/asyncapi-document.ts';
import { printDocumentCommand } from './print-document.ts';

export const asyncApiCommand = printDocumentCommand(
  'asyncapi',
  'print the AsyncAPI document of the events the RabbitMQ bridge publishes (what asyncapi/baofoo-events.json holds), for consumers in other languages',
  baofooAsyncApiJson,
);
