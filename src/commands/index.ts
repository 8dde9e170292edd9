// The explicit command table oclif loads (package.json "oclif.commands"). Command modules stay
// light: each loads its body (a *-run.ts module) when it runs, so `drctl validate` never loads ink.
import type { Command } from '@oclif/core';
import Validate from './validate.js';
import GraphCommand from './graph.js';
import Fmt from './fmt.js';
import PlanCommand from './plan.js';
import ApplyCommand from './apply.js';
import ShowCommand from './show.js';
import SimServe from './sim/serve.js';
import SimStatus from './sim/status.js';
import StateList from './state/list.js';
import StateShow from './state/show.js';
import StateRm from './state/rm.js';
import StateMv from './state/mv.js';
import StatePull from './state/pull.js';
import StatePush from './state/push.js';
import ForceUnlock from './force-unlock.js';
import Verify from './verify.js';
import Failover from './failover.js';
import Failback from './failback.js';
import Drill from './drill.js';
import Cleanup from './cleanup.js';
import ConsoleCommand from './console.js';
import StateDiff from './state/diff.js';
import CostCommand from './cost.js';
import VersionCommand from './version.js';
import DestroyCommand from './destroy.js';
import OutputCommand from './output.js';
import ImportCommand from './import.js';
import StateHistory from './state/history.js';
import WorkspaceList from './workspace/list.js';
import WorkspaceShow from './workspace/show.js';
import WorkspaceNew from './workspace/new.js';
import WorkspaceSelect from './workspace/select.js';
import WorkspaceDelete from './workspace/delete.js';
import AuditVerify from './audit/verify.js';
import AuditList from './audit/list.js';
import AccessShow from './access/show.js';
import AccessGrant from './access/grant.js';
import AccessRevoke from './access/revoke.js';
import AccessPush from './access/push.js';
import AccessToken from './access/token.js';

export const COMMANDS: Record<string, Command.Class> = {
  validate: Validate,
  graph: GraphCommand,
  fmt: Fmt,
  plan: PlanCommand,
  apply: ApplyCommand,
  show: ShowCommand,
  'sim:serve': SimServe,
  'sim:status': SimStatus,
  'state:list': StateList,
  'state:show': StateShow,
  'state:rm': StateRm,
  'state:mv': StateMv,
  'state:pull': StatePull,
  'state:push': StatePush,
  'force-unlock': ForceUnlock,
  verify: Verify,
  failover: Failover,
  failback: Failback,
  drill: Drill,
  cleanup: Cleanup,
  console: ConsoleCommand,
  'state:diff': StateDiff,
  cost: CostCommand,
  version: VersionCommand,
  destroy: DestroyCommand,
  output: OutputCommand,
  import: ImportCommand,
  'state:history': StateHistory,
  'workspace:list': WorkspaceList,
  'workspace:show': WorkspaceShow,
  'workspace:new': WorkspaceNew,
  'workspace:select': WorkspaceSelect,
  'workspace:delete': WorkspaceDelete,
  'audit:verify': AuditVerify,
  'audit:list': AuditList,
  'access:show': AccessShow,
  'access:grant': AccessGrant,
  'access:revoke': AccessRevoke,
  'access:push': AccessPush,
  'access:token': AccessToken,
};
