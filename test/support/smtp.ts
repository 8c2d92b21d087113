// A real SMTP server in the test process (smtp-server), collecting parsed messages (mailparser).
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface TestSmtp {
  port: number;
  url: string;
  messages: ParsedMail[];
  /** While true, every message is refused with a 451 temporary failure. */
  refusing: boolean;
  /**
   * Holds every message `which` keeps (all by default) once it is read, without answering, until
   * release(): the sender waits for the SMTP server's answer, as behind a slow server.
   */
  hold(which?: (mail: ParsedMail) => boolean): void;
  release(): void;
  /** Messages being received or held right now, and the most there were at once. */
  readonly inProgress: number;
  readonly mostAtOnce: number;
  /** Waits for `count` messages (only those `which` keeps, when given) and answers them. */
  waitForMessages(count: number, timeoutMs?: number, which?: (mail: ParsedMail) => boolean): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const state = { refusing: false, inProgress: 0, mostAtOnce: 0 };
  let held: ((mail: ParsedMail) => boolean) | null = null;
  let released = Promise.resolve();
  let release = () => {};
  const messages: ParsedMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (state.refusing) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('try again later'), { responseCode: 451 })));
        return;
      }
      state.inProgress++;
      state.mostAtOnce = Math.max(state.mostAtOnce, state.inProgress);
      simpleParser(stream)
        .then(async (mail) => {
          if (held?.(mail)) await released;
          messages.push(mail);
          waiters.splice(0).forEach((w) => w());
          callback();
        })
        .catch(callback)
        .finally(() => state.inProgress--);
    },
  });
  // A sender killed in the middle of a message resets its connection: smtp-server reports that as
  // an 'error' event, which would otherwise be thrown; a real SMTP server carries on too.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    messages,
    get refusing() {
      return state.refusing;
    },
    set refusing(value: boolean) {
      state.refusing = value;
    },
    hold(which = () => true) {
      held = which;
      released = new Promise((resolve) => (release = resolve));
    },
    release() {
      held = null;
      release();
    },
    get inProgress() {
      return state.inProgress;
    },
    get mostAtOnce() {
      return state.mostAtOnce;
    },
    async waitForMessages(count, timeoutMs = 10_000, which = () => true) {
      const deadline = Date.now() + timeoutMs;
      while (messages.filter(which).length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${messages.filter(which).length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return messages.filter(which);
    },
    close: () => {
      release();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The payment notice a direct order's customer is sent at placement (issue #19). */
export const isPaymentNotice = (mail: ParsedMail): boolean => (mail.subject ?? '').startsWith('Avviso di pagamento');
/** Every message but the payment notices: the coupon e-mails and reminders. */
export const notPaymentNotice = (mail: ParsedMail): boolean => !isPaymentNotice(mail);
