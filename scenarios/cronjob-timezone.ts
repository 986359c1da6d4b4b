// KEP-3140: CronJob spec.timeZone. A schedule used to be read in kube-controller-manager's own time
// zone; spec.timeZone names an IANA zone to read it in instead. Alpha (off) in 1.24, beta (on) in
// 1.25, GA in 1.27, gate removed in 1.29. Where the gate is off the field is silently dropped.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1CronJob, V1Job, V1JobList } from '@kubernetes/client-node';
import { describeGate, gate } from './_support/cluster.js';

// No daylight-saving time and a half-hour offset: a schedule read in the wrong zone cannot match.
const ZONE = 'Asia/Kolkata';

function cronJob(name: string, schedule: string, timeZone?: string): V1CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule,
      ...(timeZone === undefined ? {} : { timeZone }),
      jobTemplate: {
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              containers: [{ name: 'tick', image: 'registry.k8s.io/pause:3.10' }],
            },
          },
        },
      },
    },
  };
}

/** Minute and hour of `at` on the wall clock of `zone`. */
function wallClock(at: Date, zone: string): { minute: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { minute: get('minute'), hour: get('hour') };
}

/** The next whole minute at least 60 s away, and the schedule that fires then on the zone's wall clock. */
function nextMinuteIn(zone: string): { fireAt: Date; schedule: string } {
  const fireAt = new Date(Math.floor((Date.now() + 120_000) / 60_000) * 60_000);
  const { minute, hour } = wallClock(fireAt, zone);
  return { fireAt, schedule: `${minute} ${hour} * * *` };
}

const KEPT = 'tz-kept';

export default defineScenario({
  id: 'cronjob-timezone',
  title: 'CronJob spec.timeZone: schedules read in an IANA time zone',
  kep: 3140,
  tags: ['1.24', 'sig-apps'],
  versions: '>=1.24',
  requires: {
    needs: 'api',
    feature: { gate: 'CronJobTimeZone', components: ['kube-apiserver', 'kube-controller-manager'] },
  },
  timeoutSeconds: 300,
  description:
    `A CronJob with timeZone ${ZONE} is accepted and kept; an unknown zone is rejected with the API server's ` +
    '"unknown time zone" message, "Local" is rejected, and TZ= inside the schedule together with timeZone is ' +
    `rejected. Then the controller: a CronJob scheduled at "<m> <h> * * *" for the next minute on the ${ZONE} ` +
    'wall clock creates its Job at that instant (≤ ~2 minutes of waiting), while the same schedule in Etc/UTC ' +
    '(5½ hours away) does not fire. Where the gate is off (1.24 default) the field is dropped on create.',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'CronJobTimeZone');
    ctx.log(describeGate('CronJobTimeZone', state));

    if (!state.enabled) {
      await ctx.step('gate off: spec.timeZone is dropped on create', async () => {
        await ctx.create(cronJob('tz-dropped', '0 0 * * *', ZONE));
        const cj = await ctx.get<V1CronJob>({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tz-dropped' });
        ctx.assert.equal(cj.spec?.timeZone, undefined, 'spec.timeZone must be dropped with the gate off');
      });
      return;
    }

    await ctx.featureStep(`timeZone ${ZONE} is accepted and kept`, async () => {
      await ctx.create(cronJob('tz-valid', '0 0 * * *', ZONE));
      const cj = await ctx.get<V1CronJob>({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tz-valid' });
      ctx.assert.equal(cj.spec?.timeZone, ZONE, 'spec.timeZone read back');
    });

    await ctx.featureStep('invalid zones are rejected with the reason', async () => {
      await ctx.assert.rejects(ctx.create(cronJob('tz-unknown', '0 0 * * *', 'Foo/Bar')), /unknown time zone Foo\/Bar/);
      await ctx.assert.rejects(
        ctx.create(cronJob('tz-local', '0 0 * * *', 'Local')),
        /timeZone must be an explicit time zone as defined in https:\/\/www\.iana\.org\/time-zones/,
      );
      await ctx.assert.rejects(
        ctx.create(cronJob('tz-in-schedule', 'TZ=UTC 0 0 * * *', ZONE)),
        // 1.26: "cannot use both timeZone field and TZ or CRON_TZ in schedule"; 1.37: "cannot use TZ or CRON_TZ in schedule, use timeZone field instead".
        /TZ or CRON_TZ in schedule/,
      );
    });

    const { fireAt, schedule } = nextMinuteIn(ZONE);

    await ctx.featureStep(`the controller reads "${schedule}" in ${ZONE}: a Job is created at ${fireAt.toISOString()}`, async () => {
      await ctx.create(cronJob('tz-fires', schedule, ZONE));
      await ctx.create(cronJob('tz-control-utc', schedule, 'Etc/UTC'));
      const cj = await ctx.waitFor<V1CronJob>(
        { apiVersion: 'batch/v1', kind: 'CronJob', name: 'tz-fires' },
        (c) => c.status?.lastScheduleTime !== undefined,
        { timeoutSeconds: 200, intervalMs: 2000, description: `status.lastScheduleTime of tz-fires (due ${fireAt.toISOString()})` },
      );
      const last = new Date(cj.status!.lastScheduleTime as unknown as string);
      ctx.assert.equal(last.getTime(), fireAt.getTime(), `lastScheduleTime must be ${fireAt.toISOString()}, got ${last.toISOString()}`);
      const jobs = (await ctx.objects.list('batch/v1', 'Job', ctx.namespace)) as unknown as V1JobList;
      const mine = jobs.items.filter((j: V1Job) => j.metadata?.ownerReferences?.some((o) => o.name === 'tz-fires'));
      ctx.assert.ok(mine.length === 1, `exactly one Job owned by tz-fires, got ${mine.length}`);
      const stamp = mine[0]!.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
      if (stamp) {
        ctx.log(`Job ${mine[0]!.metadata?.name} scheduled-timestamp annotation: ${stamp}`);
        ctx.assert.ok(stamp.endsWith('+05:30'), `the scheduled timestamp is written in ${ZONE} (+05:30): ${stamp}`);
      }
    });

    await ctx.step('the same schedule read in Etc/UTC has not fired', async () => {
      const control = await ctx.get<V1CronJob>({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tz-control-utc' });
      ctx.assert.equal(control.status?.lastScheduleTime, undefined, 'tz-control-utc must not have run');
    });
  },
  acrossUpgrade: {
    what: `a CronJob with timeZone ${ZONE} created before the upgrade keeps its zone and, rescheduled after it, fires at that instant in ${ZONE} (the new controller reads the old object's zone)`,
    async before(ctx: ScenarioContext) {
      const state = await gate(ctx, 'CronJobTimeZone');
      if (!state.enabled) ctx.skip(`${describeGate('CronJobTimeZone', state)}: nothing to carry across`, 'verdict');
      await ctx.step(`a CronJob in ${ZONE}, kept for after the upgrade`, async () => {
        await ctx.create(cronJob(KEPT, '0 0 1 1 *', ZONE));
      });
    },
    async after(ctx: ScenarioContext) {
      const { fireAt, schedule } = nextMinuteIn(ZONE);
      await ctx.featureStep(`the CronJob made before the upgrade still reads its schedule in ${ZONE}: "${schedule}" fires at ${fireAt.toISOString()}`, async () => {
        const kept = await ctx.get<V1CronJob>({ apiVersion: 'batch/v1', kind: 'CronJob', name: KEPT });
        ctx.assert.equal(kept.spec?.timeZone, ZONE, 'spec.timeZone survived the upgrade');
        const patched = await ctx.kubectl(['patch', 'cronjob', KEPT, '-n', ctx.namespace, '--type', 'merge', '-p', JSON.stringify({ spec: { schedule } })]);
        ctx.assert.equal(patched.exitCode, 0, `kubectl patch: ${patched.stderr.trim()}`);
        const cj = await ctx.waitFor<V1CronJob>(
          { apiVersion: 'batch/v1', kind: 'CronJob', name: KEPT },
          (c) => c.status?.lastScheduleTime !== undefined,
          { timeoutSeconds: 200, intervalMs: 2000, description: `status.lastScheduleTime of ${KEPT} (due ${fireAt.toISOString()})` },
        );
        const last = new Date(cj.status!.lastScheduleTime as unknown as string);
        ctx.assert.equal(last.getTime(), fireAt.getTime(), `lastScheduleTime must be ${fireAt.toISOString()}, got ${last.toISOString()}`);
      });
    },
  },
});
