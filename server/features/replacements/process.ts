// Finishes the replacement steps a crash interrupted (the services run them as they go; this reactor
// does what the log shows still to do, each step safe to repeat):
//   ReplacementApproved      → runApproval (the order, a lost or stolen card revoked), done when
//                              ReplacementOrderPlaced is in the log
//   ReplacementDeviceIssued  → finishReplacement (the old device revoked and terminated), done when
//                              ReplacementCompleted is in the log
import type { CommandContext } from '../../../events/eventCatalogue';
import { Reactor, type Decoded } from '../../reactors/reactor';
import { finishReplacement, runApproval } from './service';

type ReplacementTask = { kind: 'approval' | 'finish'; requestId: string; ctx: CommandContext };

export class ReplacementProcessReactor extends Reactor<ReplacementTask> {
  readonly name = 'replacement-process';

  protected readonly observes = new Set<Decoded['type']>(['ReplacementApproved', 'ReplacementOrderPlaced', 'ReplacementDeviceIssued', 'ReplacementCompleted']);

  protected observe(event: Decoded): void {
    switch (event.type) {
      case 'ReplacementApproved':
        this.schedule(`approval:${event.data.requestId}`, { kind: 'approval', requestId: event.data.requestId, ctx: this.contextFor(event) });
        break;
      case 'ReplacementOrderPlaced':
        this.done(`approval:${event.data.requestId}`);
        break;
      case 'ReplacementDeviceIssued':
        this.schedule(`finish:${event.data.requestId}`, { kind: 'finish', requestId: event.data.requestId, ctx: this.contextFor(event) });
        break;
      case 'ReplacementCompleted':
        this.done(`finish:${event.data.requestId}`);
        break;
    }
  }

  protected async perform(task: ReplacementTask): Promise<void> {
    const ctx = { ...task.ctx, at: this.deps.clock().toISOString() };
    if (task.kind === 'approval') await runApproval(this.deps, task.requestId, ctx);
    else await finishReplacement(this.deps, task.requestId, ctx);
  }
}
