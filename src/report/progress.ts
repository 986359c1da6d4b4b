// Live progress with listr2: one line per scenario with its current step and elapsed time; the
// plain `simple` renderer in CI, without a TTY, or with NO_COLOR.
import type { ScenarioResult } from './model.js';

export interface ProgressItem {
  id: string;
  cluster: string;
  run: (onStep: (step: string) => void) => Promise<ScenarioResult>;
}

export function plainProgress(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return !isTTY || Boolean(env.CI) || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
}

export async function runWithProgress(items: ProgressItem[], parallel: number, plain: boolean): Promise<ScenarioResult[]> {
  const { Listr, PRESET_TIMER } = await import('listr2');
  const results = new Map<string, ScenarioResult>();
  const list = new Listr(
    items.map((item) => ({
      title: `${item.id} (${item.cluster})`,
      task: async (_: unknown, task: { output: string; title: string; skip: (m?: string) => void }) => {
        const r = await item.run((step) => {
          // The plain renderer prints output lines on their own: say whose step it is.
          task.output = plain ? `${item.id}: ${step}` : step;
        });
        results.set(item.id, r);
        if (r.status === 'skipped') return task.skip(r.message ?? 'skipped');
        if (r.status !== 'passed') {
          const label = r.status === 'failed' ? '' : `${r.status}: `;
          throw new Error(`${label}${r.failedStep ? `[${r.failedStep}] ` : ''}${(r.message ?? '').split('\n')[0]}`);
        }
        task.title = `${item.id} (${item.cluster})`;
      },
    })),
    {
      concurrent: parallel,
      exitOnError: false,
      // listr2's own SIGINT handler calls process.exit(127) and would skip kindlab's cleanup.
      registerSignalListeners: false,
      renderer: plain ? 'simple' : 'default',
      rendererOptions: { timer: PRESET_TIMER, collapseSubtasks: false, collapseErrors: false, showErrorMessage: true },
      fallbackRenderer: 'simple',
      fallbackRendererOptions: { timer: PRESET_TIMER },
    },
  );
  await list.run().catch(() => undefined);
  return items.map((i) => results.get(i.id)!).filter(Boolean);
}
