// The harness's SMTP server (smtp-server, in this process, on 127.0.0.1): it can be stopped and
// started again on the same port, made to answer 4xx or 5xx to every message, or to read a
// message and then drop the connection without answering. It counts what it accepted by
// Message-ID, with the time of each acceptance.
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** How long an accepted message waits for its answer. */
const ANSWER_MS = 10;

export type SmtpMode = 'accept' | 'tempfail' | 'permfail' | 'drop';

export interface Delivery {
  messageId: string;
  at: number;
}

export class FaultySmtp {
  mode: SmtpMode = 'accept';
  readonly deliveries: Delivery[] = [];
  /** Messages refused or dropped (any mode but 'accept'). */
  refused = 0;
  private server: SMTPServer | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  static async start(): Promise<FaultySmtp> {
    const smtp = new FaultySmtp();
    await smtp.up();
    return smtp;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.boundPort}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** How many times each Message-ID was accepted. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.deliveries) counts.set(d.messageId, (counts.get(d.messageId) ?? 0) + 1);
    return counts;
  }

  /** Listens (again, on the same port once it had one). */
  async up(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 50,
      onConnect: (session, callback) => callback(),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const header = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
          const messageId = /^Message-ID:\s*(\S+)/im.exec(header)?.[1] ?? '(none)';
          switch (this.mode) {
            case 'accept':
              // Taken as the message is read, answered a little later, as a real server does: so
              // several sends are in flight at once, and a kill can fall between the two.
              this.deliveries.push({ messageId, at: Date.now() });
              setTimeout(() => callback(), ANSWER_MS);
              return;
            case 'tempfail':
              this.refused++;
              return callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
            case 'permfail':
              this.refused++;
              return callback(Object.assign(new Error('relay refused'), { responseCode: 554 }));
            case 'drop': {
              this.refused++;
              // Read the whole message, then hang up without an answer.
              const socket = [...this.sockets].find((s) => s.remotePort === session.remotePort);
              socket?.destroy();
              return;
            }
          }
        });
      },
    });
    server.on('error', () => {});
    server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    let lastError: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.server.once('error', reject);
          server.listen(this.boundPort, '127.0.0.1', () => {
            server.server.off('error', reject);
            resolve();
          });
        });
        this.boundPort = (server.server.address() as AddressInfo).port;
        this.server = server;
        return;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw lastError;
  }

  /** Stops listening and cuts every open connection (the SMTP server is down). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
