// KSYS event names and severities: the vocabulary of every DR run's events, log and webhooks.
// Names follow IBM VM Recovery Manager / KSYS where it has one (VM_SHUTDOWN_FAILED, …); the
// dotted `topic` is what a `notification` block subscribes to (config `events = [...]`).

export type Severity = 'info' | 'warning' | 'critical';

export interface KsysEventSpec {
  readonly severity: Severity;
  /** The notification topic (plans/recovery.hcl: "move.failed", "rpo.breach", …). */
  readonly topic: string;
}

export const KSYS_EVENTS = {
  MOVE_STARTED: { severity: 'info', topic: 'move.started' },
  MOVE_COMPLETED: { severity: 'info', topic: 'move.completed' },
  MOVE_FAILED: { severity: 'critical', topic: 'move.failed' },
  MOVE_RESUMED: { severity: 'info', topic: 'move.resumed' },
  VM_SHUTDOWN_STARTED: { severity: 'info', topic: 'vm.shutdown' },
  VM_SHUTDOWN_COMPLETED: { severity: 'info', topic: 'vm.shutdown' },
  VM_SHUTDOWN_FAILED: { severity: 'critical', topic: 'vm.shutdown_failed' },
  VM_SOURCE_UNREACHABLE: { severity: 'warning', topic: 'vm.source_unreachable' },
  VG_REVERSAL_STARTED: { severity: 'info', topic: 'vg.reversal' },
  VG_REVERSAL_COMPLETED: { severity: 'info', topic: 'vg.reversal' },
  VG_REVERSAL_FAILED: { severity: 'critical', topic: 'vg.reversal_failed' },
  VM_BOOTUP_STARTED: { severity: 'info', topic: 'vm.boot' },
  VM_BOOTUP_COMPLETED: { severity: 'info', topic: 'vm.boot' },
  VM_BOOTUP_FAILED: { severity: 'critical', topic: 'vm.boot_failed' },
  GROUP_COMPLETED: { severity: 'info', topic: 'group.completed' },
  POST_CHECK_PASSED: { severity: 'info', topic: 'check.passed' },
  POST_CHECK_FAILED: { severity: 'critical', topic: 'check.failed' },
  MANUAL_STEP: { severity: 'warning', topic: 'manual.step' },
  REPLICATION_REVERSED: { severity: 'info', topic: 'replication.reversed' },
  REPLICATION_REVERSE_FAILED: { severity: 'warning', topic: 'replication.broken' },
  REPLICATION_BROKEN: { severity: 'critical', topic: 'replication.broken' },
  RESYNC_COMPLETED: { severity: 'info', topic: 'replication.resynced' },
  RPO_BREACH: { severity: 'critical', topic: 'rpo.breach' },
  DATA_LOSS_WINDOW: { severity: 'warning', topic: 'move.data_loss' },
  SPLIT_BRAIN_PREVENTED: { severity: 'critical', topic: 'split_brain' },
  NEEDS_ATTENTION: { severity: 'critical', topic: 'move.needs_attention' },
  DRILL_STARTED: { severity: 'info', topic: 'drill.started' },
  DRILL_COMPLETED: { severity: 'info', topic: 'drill.completed' },
  DRILL_FAILED: { severity: 'critical', topic: 'drill.failed' },
  DRILL_CLEANUP_COMPLETED: { severity: 'info', topic: 'drill.cleaned' },
  DRILL_CLEANUP_FAILED: { severity: 'critical', topic: 'drill.cleanup_failed' },
  VERIFY_PASSED: { severity: 'info', topic: 'verify.passed' },
  VERIFY_FAILED: { severity: 'critical', topic: 'verify.failed' },
} as const satisfies Record<string, KsysEventSpec>;

export type KsysEventName = keyof typeof KSYS_EVENTS;
