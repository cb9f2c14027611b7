import { type CallOptions, type ConnectionOptions, connectionOf, type RequestOptions } from './config.js';
import { APIUserAbortError } from './errors.js';
import { anySignal } from './platform.js';

/** `AbortSignal.any` where the runtime has it (it does not keep listeners alive), else a fallback. */
function linkSignals(a: AbortSignal, b: AbortSignal): AbortSignal {
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  return any ? any([a, b]) : anySignal([a, b]).signal;
}

/**
 * What every `Sandbox` instance has besides its generated API methods: its ID, the connection
 * it was made with, and `disconnect()`.
 */
export abstract class SandboxBase {
  /** The sandbox's ID (`sbx_…`). */
  readonly sandboxId: string;
  readonly #connection: ConnectionOptions;
  readonly #lifetime = new AbortController();

  protected constructor(sandboxId: string, options: CallOptions) {
    this.sandboxId = sandboxId;
    this.#connection = connectionOf(options);
  }

  /**
   * Ends this SDK's connection to the sandbox and leaves the sandbox running. Calls still in
   * flight on this instance are cancelled, and later calls fail with `APIUserAbortError`;
   * `Sandbox.connect(sandboxId)` makes a new connection.
   */
  async disconnect(): Promise<void> {
    this.#lifetime.abort(new APIUserAbortError(`sandbox ${this.sandboxId} was disconnected`));
  }

  /** This instance's connection merged with one call's options. */
  protected callOptions<O extends RequestOptions>(options?: O): O & ConnectionOptions {
    if (this.#lifetime.signal.aborted) {
      throw new APIUserAbortError(`sandbox ${this.sandboxId} was disconnected; use Sandbox.connect('${this.sandboxId}') to connect again`);
    }
    const headers = { ...this.#connection.headers, ...options?.headers };
    const signal = options?.signal ? linkSignals(options.signal, this.#lifetime.signal) : this.#lifetime.signal;
    return { ...this.#connection, ...options, headers, signal } as O & ConnectionOptions;
  }
}
