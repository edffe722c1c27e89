/**
 * Every rule an {@link HttpError} can name, in one list. `HttpError.rule` is
 * one of these (or undefined), and every function that makes an error takes a
 * {@link Rule}, so a misspelt rule fails the typecheck. Each rule's codes,
 * meaning and status hint are tabled in docs/errors.md (a test keeps the
 * table and this list equal). Several rules are named by more than one layer
 * (`order` by both encoders and the socket, `eof` by the decoders and their
 * misuse): the rule says what was broken, the `code` says how.
 *
 * @example
 * ```ts
 * const known = (r: string): r is Rule => (RULES as readonly string[]).includes(r);
 * const limits: Rule[] = RULES.filter((r) => r.endsWith('-too-large'));
 * ```
 */
export const RULES = [
  // The head grammar (EPROTO; RFC 9112 §2-5, RFC 9110 §5). The encoder
  // refuses a bad argument (EINVAL) under the same names.
  'method',
  'request-target',
  'http-version',
  'status-code',
  'reason-phrase',
  'field-name',
  'field-value',
  'whitespace-after-start-line',
  'obs-fold',
  'bare-cr',
  'bare-lf',
  // Head limits (EMSGSIZE).
  'head-too-large',
  'storage-too-small',
  'too-many-fields',
  // The connection ended (ECONNRESET mid-message, EPIPE before a head), or a
  // receive() after end() (EINVAL).
  'eof',
  // The chunked body (EPROTO; RFC 9112 §7.1).
  'chunk-size',
  'chunk-ext',
  'chunk-data',
  // Body limits (EMSGSIZE).
  'body-too-large',
  'chunk-extensions-too-large',
  'trailer-too-large',
  'too-many-trailers',
  // framing(): Content-Length and Transfer-Encoding (EPROTO; RFC 9112 §6).
  'content-length',
  'content-length-mismatch',
  'content-length-with-transfer-encoding',
  'transfer-encoding',
  'transfer-encoding-final',
  'transfer-encoding-chunked-parameters',
  'transfer-encoding-chunked-twice',
  'transfer-encoding-http-1.0',
  // Bad arguments to framing(), keepAlive(), the decoders and encoders (EINVAL).
  'kind',
  'version',
  'status',
  'framing',
  'bytes',
  'out',
  'rest',
  'reset',
  'decoder',
  'encoder',
  'start',
  'fields',
  'trailers',
  'length',
  'no-body',
  // A call at the wrong time (EINVAL) or after the end (EPIPE).
  'order',
  // Options that are not what they should be (EINVAL); the rule is the option's name.
  'options',
  'maxHeadSize',
  'maxFields',
  'obsFold',
  'storage',
  'maxBodySize',
  'maxChunkExtensions',
  'maxTrailerSize',
  'maxTrailerFields',
  // The adapters (`maxBytes`: the argument of readBody()).
  'maxBytes',
  'deadline',
  'handle',
  'half-close',
  'transport',
] as const;

/**
 * The name of the grammar rule, limit or precondition an {@link HttpError}
 * reports: one of {@link RULES}.
 *
 * @example
 * ```ts
 * function reason(e: HttpError): string {
 *   const rule: Rule | undefined = e.rule;
 *   switch (rule) {
 *     case 'head-too-large':
 *       return 'Request Header Fields Too Large';
 *     case 'obs-fold':
 *       return 'Folded header field';
 *     default:
 *       return 'Bad Request';
 *   }
 * }
 * ```
 */
export type Rule = (typeof RULES)[number];

/** The option names that double as the rule of their validation error. */
export type OptionRule = Extract<Rule, 'maxHeadSize' | 'maxFields' | 'maxBodySize' | 'maxChunkExtensions' | 'maxTrailerSize' | 'maxTrailerFields'>;
