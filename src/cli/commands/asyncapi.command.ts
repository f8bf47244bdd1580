import { baofooAsyncApiJson } from '../../baofoo/events/asyncapi/asyncapi-document.ts';
import type { CliCommand } from '../cli-command.ts';
import { CliFailure, EXIT_OK } from '../cli-failure.ts';

export const asyncApiCommand: CliCommand = {
  name: 'asyncapi',
  usage: '',
  summary: 'print the AsyncAPI document of the events the RabbitMQ bridge publishes (what asyncapi/baofoo-events.json holds), for consumers in other languages',
  run: async (args, _env, io) => {
    if (args.length > 0) throw new CliFailure(`unexpected argument ${args[0]}`, true);
    io.out(baofooAsyncApiJson().trimEnd());
    return EXIT_OK;
  },
};
