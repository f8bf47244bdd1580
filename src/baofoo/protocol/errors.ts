/**
 * Every failure the library raises carries a stable `code` that callers can
 * switch on and the evidence that led to it. Errors become HTTP answers only at
 * the edge (controllers, guards), never here.
 */
export class BaofooError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly evidence: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A protocol message (form, notification, query answer) that breaks the spec. */
export class BaofooProtocolError extends BaofooError {}
