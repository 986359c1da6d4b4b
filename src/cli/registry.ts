// The one list of commands: name, arguments and summary for the top-level help, and the module
// that registers the command's flags and handler, imported only when that command runs.
import type { Command } from 'commander';
import type { CliContext } from './context.js';

// `never[]` lets each command declare its own argument types (commander passes args, flags, command).
export type Handler = (ctx: CliContext, ...args: never[]) => Promise<number | void>;
export type RunWrapper = (load: () => Promise<Handler>) => (...a: unknown[]) => Promise<void>;

export interface CommandModule {
  /** Adds arguments, flags, help text and the action to `cmd` (already named and described). */
  register(cmd: Command, run: RunWrapper): void;
}

export interface CommandEntry {
  name: string;
  /** As shown in the top-level usage, e.g. '[ref]'. */
  usage: string;
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'build', usage: '[options] [ref]', summary: 'build a kind node image from a Kubernetes commit (in an isolated git worktree)', load: () => import('./build.js') },
  { name: 'up', usage: '[options]', summary: 'create a cluster (kind by default, or the local control-plane provider)', load: () => import('./up.js') },
  { name: 'reload', usage: '[options] [components...]', summary: 'put a build of your edits into a running cluster: only the components they touch, each healthy again before the next (--watch: on every save)', load: () => import('./reload.js') },
  { name: 'upgrade', usage: '[options] --to <ref>', summary: 'move a running cluster to the Kubernetes of another ref the way kubeadm does (version skew policy checked first)', load: () => import('./upgrade.js') },
  { name: 'down', usage: '[options] [names...]', summary: 'delete clusters kindlab created (never one it did not create)', load: () => import('./down.js') },
  { name: 'ls', usage: '[options]', summary: 'list clusters and images kindlab created, and whether they still exist', load: () => import('./ls.js') },
  { name: 'doctor', usage: '[options]', summary: 'check docker/podman, kind, kubectl, git, disk, cgroups and inotify limits', load: () => import('./doctor.js') },
  { name: 'rmi', usage: '[options] [images...]', summary: 'remove node images kindlab built (never an image it did not build)', load: () => import('./rmi.js') },
  { name: 'plan', usage: '[options] [selectors...]', summary: 'show the clusters and configs the selected scenarios need, and what would be skipped and why (no side effects)', load: () => import('./plan.js') },
  { name: 'run', usage: '[options] [selectors...]', summary: 'run scenarios against a kindlab cluster or any kubeconfig', load: () => import('./run.js') },
  { name: 'test', usage: '[options] [ref-and-selectors...]', summary: 'one shot: build → plan → up → run → down, cleaning up on failure and Ctrl-C', load: () => import('./test.js') },
  { name: 'matrix', usage: '[options] [selectors...]', summary: 'the same scenarios on several versions, side by side (feature × version table, JSON, JUnit per version, HTML)', load: () => import('./matrix.js') },
  { name: 'bisect', usage: '[options] <scenario>', summary: 'find the first commit where a scenario’s result changes, building each candidate the cheapest way', load: () => import('./bisect.js') },
  { name: 'new', usage: '[options] <what> <id>', summary: 'write a commented scenario template', load: () => import('./new.js') },
  { name: 'lab', usage: '<build|node|ls> [options]', summary: 'build the binaries the local provider runs and a kind node’s ingredients, offline (Go module proxy, Debian)', load: () => import('./lab.js') },
];

export const findCommand = (name: string | undefined): CommandEntry | undefined => COMMANDS.find((c) => c.name === name);
