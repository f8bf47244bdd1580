import { bootstrapDemo, type DemoBootstrapOptions, type RunningDemo } from '../../src/demo/bootstrap-demo.ts';
import { PATIENT_DATABASE } from './baofoo-test-app.ts';

/** The demo with the suites' patient database budgets (see PATIENT_DATABASE): its suites are not about timing. */
export function bootstrapPatientDemo(options: DemoBootstrapOptions): Promise<RunningDemo> {
  return bootstrapDemo({
    ...options,
    databaseConnectTimeoutMs: PATIENT_DATABASE.connectTimeoutMs,
    configure: (o) => {
      const patient = { ...o, database: { ...o.database, ...PATIENT_DATABASE } };
      return options.configure ? options.configure(patient) : patient;
    },
  });
}
