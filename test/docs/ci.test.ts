// docs/ci.md's workflows, which cannot run here: both YAML files parse and docs/ci.md shows them
// verbatim; their jobs have the triggers, permissions and one-apply-per-workspace concurrency the
// doc promises; every drctl command in them (and in the doc) exists and takes the flags given;
// and the drctl lines of each workflow run in sequence, exactly as written (variables expanded
// from the YAML's own env), through the built CLI against the embedded simulator in a temporary
// git repository: a pull request's review, its merge's apply, and a stale plan refused.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, expectExit, workdir, type Workdir } from '../engine/harness.js';

const DOC = path.join(ROOT, 'docs/ci.md');
const GITHUB_FILE = path.join(ROOT, 'docs/ci/github-actions.yml');
const GITLAB_FILE = path.join(ROOT, 'docs/ci/gitlab-ci.yml');
const COMMENT_LIMIT = 65_000;

// --------------------------------------------------------------------------------- the shell lines

/** A drctl line of a workflow, as the test runs it. */
interface DrctlLine {
  readonly text: string;
  readonly argv: readonly string[];
  /** `> FILE`: where stdout goes. */
  readonly stdoutTo?: string;
  /** Exit codes the line lets through (`|| test $? -eq 2` adds 2; `|| status=$?` lets any through). */
  readonly ok: readonly number[] | 'any';
}

/**
 * Splits one shell line the way bash would for the small grammar the workflows use: words,
 * "double quotes" with $VAR expanded, 'single quotes', and one `> FILE`. Anything else
 * (pipes, `;`, `$(…)`, `${{ }}`) is refused, so a line the test cannot run as written fails.
 */
function parseDrctlLine(text: string, vars: Readonly<Record<string, string>>): DrctlLine {
  let rest = text.trim();
  let ok: number[] | 'any' = [0];
  const tolerated = /^(.*?)\s*\|\|\s*test \$\? -eq (\d+)$/.exec(rest);
  const kept = /^(.*?)\s*\|\|\s*[A-Za-z_]+=\$\?$/.exec(rest);
  if (tolerated) {
    rest = tolerated[1];
    ok = [0, Number(tolerated[2])];
  } else if (kept) {
    // `|| status=$?`: the job goes on, and ends later with that status.
    rest = kept[1];
    ok = 'any';
  }
  const words: string[] = [];
  let word: string | null = null;
  const expand = (i: number): [string, number] => {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest.slice(i));
    if (!m) throw new Error(`cannot run as written (a $ that is not $NAME): ${text}`);
    if (!(m[1] in vars)) throw new Error(`$${m[1]} is not set by the workflow: ${text}`);
    return [vars[m[1]], i + m[0].length];
  };
  for (let i = 0; i < rest.length; ) {
    const c = rest[i];
    if (c === ' ') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === '"') {
      word ??= '';
      i++;
      while (rest[i] !== '"') {
        if (i >= rest.length) throw new Error(`unclosed quote: ${text}`);
        if (rest[i] === '$') {
          const [v, next] = expand(i);
          word += v;
          i = next;
        } else word += rest[i++];
      }
      i++;
    } else if (c === "'") {
      const end = rest.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed quote: ${text}`);
      word = (word ?? '') + rest.slice(i + 1, end);
      i = end + 1;
    } else if (c === '$') {
      const [v, next] = expand(i);
      word = (word ?? '') + v;
      i = next;
    } else if (c === '>') {
      if (word !== null) words.push(word);
      word = null;
      words.push('>');
      i++;
    } else if ('|;&<`(){}\\'.includes(c)) {
      throw new Error(`cannot run as written (${c}): ${text}`);
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  const redirect = words.indexOf('>');
  if (redirect >= 0 && redirect !== words.length - 2) throw new Error(`"> FILE" must end the line: ${text}`);
  const argv = redirect >= 0 ? words.slice(0, redirect) : words;
  if (argv[0] !== 'drctl') throw new Error(`not a drctl line: ${text}`);
  return { text, argv: argv.slice(1), stdoutTo: redirect >= 0 ? words[redirect + 1] : undefined, ok };
}

/** The shell lines of a `run:` string or a GitLab script list. */
function shellLines(script: unknown): string[] {
  const parts = Array.isArray(script) ? script : script === undefined ? [] : [script];
  return parts.flatMap((p) => String(p).split('\n')).map((l) => l.trim());
}

const isDrctl = (line: string) => line.startsWith('drctl ');

/** `${{ … }}` expressions a GitHub workflow's env uses, as a pull request against main sees them. */
const GITHUB_CONTEXT: Readonly<Record<string, string>> = {
  'vars.DRCTL_ENDPOINT': '',
  'secrets.IBMCLOUD_API_KEY': '',
  'github.base_ref': 'main',
  'github.token': 'unused',
  'github.event.pull_request.number': '1',
};

function githubValue(v: unknown): string {
  return String(v).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    if (!(expr in GITHUB_CONTEXT)) throw new Error(`the test does not know \${{ ${expr} }}`);
    return GITHUB_CONTEXT[expr];
  });
}

/** GitLab's predefined variables the scripts use, for a merge request into main. */
const GITLAB_PREDEFINED: Readonly<Record<string, string>> = {
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
  CI_COMMIT_BRANCH: 'main',
  CI_DEFAULT_BRANCH: 'main',
};

// --------------------------------------------------------------------------------- the workflows

interface Workflow {
  readonly name: string;
  /** Variables the shell lines see (the workflow's env, expanded). */
  readonly vars: Readonly<Record<string, string>>;
  /** Every shell line of the review (pull request) job, then of the apply (merge) job. */
  readonly review: readonly string[];
  readonly apply: readonly string[];
}

interface GithubStep {
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}
interface GithubJob {
  readonly if: string;
  readonly permissions: Record<string, string>;
  readonly concurrency: { group: string; 'cancel-in-progress': boolean };
  readonly steps: readonly GithubStep[];
}
interface GithubWorkflow {
  readonly on: { pull_request: { branches: string[] }; push: { branches: string[] } };
  readonly env: Record<string, string>;
  readonly jobs: { plan: GithubJob; apply: GithubJob };
}

interface GitlabJob {
  readonly stage: string;
  readonly rules: { if: string }[];
  readonly script: string[];
  readonly after_script?: string[];
  readonly resource_group?: string;
  readonly artifacts?: { paths: string[] };
}
interface GitlabCi {
  readonly variables: Record<string, string>;
  readonly default: { before_script: string[] };
  readonly stages: string[];
  readonly 'drctl-review': GitlabJob;
  readonly 'drctl-apply': GitlabJob;
}

const githubYaml = parseYaml(fs.readFileSync(GITHUB_FILE, 'utf8')) as GithubWorkflow;
const gitlabYaml = parseYaml(fs.readFileSync(GITLAB_FILE, 'utf8')) as GitlabCi;

function githubWorkflow(): Workflow {
  const vars = Object.fromEntries(Object.entries(githubYaml.env).map(([k, v]) => [k, githubValue(v)]));
  const lines = (job: GithubJob) => job.steps.flatMap((s) => shellLines(s.run));
  // Step env (BASE_REF, PR, GH_TOKEN) joins the workflow's for the lines of that step.
  const stepVars = Object.fromEntries(
    Object.values(githubYaml.jobs).flatMap((j: GithubJob) => j.steps.flatMap((s) => Object.entries(s.env ?? {}).map(([k, v]) => [k, githubValue(v)]))),
  );
  return { name: 'GitHub Actions', vars: { ...vars, ...stepVars }, review: lines(githubYaml.jobs.plan), apply: lines(githubYaml.jobs.apply) };
}

function gitlabWorkflow(): Workflow {
  const vars = { ...GITLAB_PREDEFINED, ...gitlabYaml.variables };
  const job = (j: GitlabJob) => [...shellLines(gitlabYaml.default.before_script), ...shellLines(j.script), ...shellLines(j.after_script)];
  return { name: 'GitLab CI', vars, review: job(gitlabYaml['drctl-review']), apply: job(gitlabYaml['drctl-apply']) };
}

const WORKFLOWS = [githubWorkflow(), gitlabWorkflow()];

// --------------------------------------------------------------------------------- the CLI's commands

interface ManifestFlag {
  readonly type: 'boolean' | 'option';
  readonly char?: string;
  readonly aliases?: string[];
}
interface ManifestCommand {
  readonly flags: Record<string, ManifestFlag>;
  readonly args: Record<string, unknown>;
}

function manifest(): Record<string, ManifestCommand> {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> }).commands;
}

/** The command id of an argv (`state diff` is `state:diff`), checked against the CLI: its flags exist, its arguments fit. */
function checkAgainstCli(argv: readonly string[], where: string): string {
  const commands = manifest();
  const id = argv.length > 1 && commands[`${argv[0]}:${argv[1]}`] ? `${argv[0]}:${argv[1]}` : argv[0];
  const command = commands[id];
  expect(command, `${where}: drctl ${argv.join(' ')}: no such command`).toBeDefined();
  let positional = 0;
  for (let i = id.split(':').length; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) {
      positional++;
      continue;
    }
    const [name, inline] = a.replace(/^--?/, '').split('=', 2);
    const flag = Object.entries(command.flags).find(([n, f]) => n === name || f.char === name || f.aliases?.includes(name));
    expect(flag, `${where}: drctl ${argv.join(' ')}: ${id.replace(':', ' ')} has no flag ${a}`).toBeDefined();
    if (flag && flag[1].type === 'option' && inline === undefined) i++;
  }
  expect(positional, `${where}: drctl ${argv.join(' ')}: too many arguments`).toBeLessThanOrEqual(Object.keys(command.args).length);
  return id;
}

// --------------------------------------------------------------------------------- running them

const dirs: Workdir[] = [];
afterAll(() => {
  for (const w of dirs) w.remove();
});

/** A git repository holding plans/ as a team's DR repository would, its state applied and committed on main. */
async function teamRepository(vars: Readonly<Record<string, string>>): Promise<{ w: Workdir; git: (...args: string[]) => string }> {
  const w = workdir({});
  dirs.push(w);
  fs.cpSync(path.join(ROOT, 'plans'), w.file(vars.DR_DIR), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: w.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    });
  git('init', '-q', '-b', 'main');
  w.write('.gitignore', '.drctl/\n*.backup\n*.lock\nplan.bin\n*.md\n');
  expectExit(await w.run(['apply', vars.DR_DIR, '-auto-approve'], { timeoutMs: 120_000 }), 0, 'the first apply');
  git('add', '.gitignore', vars.DR_DIR, vars.STATE);
  git('commit', '-q', '-m', 'applied');
  return { w, git };
}

/** Runs the drctl lines of a job in order, as written; returns the stderr of the last. */
async function runJob(w: Workdir, wf: Workflow, lines: readonly string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  const env = { ...wf.vars, ...extraEnv };
  let last = { code: 0, stderr: '' };
  for (const text of lines.filter(isDrctl)) {
    const line = parseDrctlLine(text, wf.vars);
    const r = await w.run(line.argv, { env, timeoutMs: 120_000 });
    if (line.stdoutTo) w.write(line.stdoutTo, r.stdout);
    last = { code: r.code ?? -1, stderr: r.stderr };
    if (line.ok !== 'any' && !line.ok.includes(last.code)) return last; // the job stops at a failing line, as `set -e` does
  }
  return last;
}

const moreLdapMemory = (s: string) => s.replace(/(vm "ldap01" \{[^}]*memory_gb\s+= )16/, '$124');
const moreDb01Memory = (s: string) => s.replace(/(vm "db01" \{[^}]*memory_gb\s+= )(\d+)/, (_m, head: string, n: string) => `${head}${Number(n) * 2}`);
const moreMonitorMemory = (s: string) => s.replace(/(vm "monitor01" \{[^}]*memory_gb\s+= )(\d+)/, (_m, head: string, n: string) => `${head}${Number(n) * 2}`);

function editOrFail(w: Workdir, rel: string, change: (s: string) => string): void {
  const before = w.read(rel);
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${rel} changed nothing`);
  w.write(rel, after);
}

function serialOf(w: Workdir, state: string): number {
  return (JSON.parse(w.read(state)) as { serial: number }).serial;
}

// --------------------------------------------------------------------------------- the tests

describe('docs/ci.md and its workflow files', () => {
  it('shows each YAML file verbatim, in a yaml block, and names where it goes', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const blocks = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    for (const file of [GITHUB_FILE, GITLAB_FILE]) {
      expect(blocks, `${path.relative(ROOT, file)} is in docs/ci.md as written`).toContain(fs.readFileSync(file, 'utf8'));
      expect(doc).toContain(path.relative(path.join(ROOT, 'docs'), file));
    }
    expect(doc).toContain('.github/workflows/drctl.yml');
    expect(doc).toContain('.gitlab-ci.yml');
  });

  it('every drctl command in the workflows and the doc exists and takes the flags given', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const docLines = [...doc.matchAll(/^```(?:sh|yaml)\n([\s\S]*?)^```$/gm)].flatMap((m) => shellLines(m[1].split('\n').map((l) => l.replace(/^\s*(- |run: )?/, ''))));
    const docVars = { ...githubWorkflow().vars, ...gitlabWorkflow().vars, BASE_REF: 'main' };
    let checked = 0;
    for (const wf of WORKFLOWS) {
      for (const text of [...wf.review, ...wf.apply].filter(isDrctl)) {
        checkAgainstCli(parseDrctlLine(text, wf.vars).argv, wf.name);
        checked++;
      }
    }
    for (const text of docLines.filter(isDrctl)) {
      checkAgainstCli(parseDrctlLine(text.replace(/\s+#.*$/, ''), docVars).argv, 'docs/ci.md');
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('GitHub: the pull request job reviews, the push job applies one reviewed plan at a time per workspace', () => {
    const { on, env, jobs } = githubYaml;
    expect(on.pull_request.branches).toEqual(['main']);
    expect(on.push.branches).toEqual(['main']);
    expect(jobs.plan.if).toBe("github.event_name == 'pull_request'");
    expect(jobs.apply.if).toBe("github.event_name == 'push'");
    expect(jobs.plan.permissions['pull-requests']).toBe('write');
    expect(jobs.apply.permissions).toMatchObject({ contents: 'write', actions: 'read' });
    // One apply at a time per workspace: the group names the workspace, and a queued apply is never cancelled.
    expect(jobs.apply.concurrency).toEqual({ group: `drctl-apply-${env.DRCTL_WORKSPACE}`, 'cancel-in-progress': false });
    // The base branch's state is read through git, so the checkout has the history.
    expect(jobs.plan.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with).toMatchObject({ 'fetch-depth': 0 });
    // The plan made for review is the artifact the apply job downloads, by the same name.
    const upload = jobs.plan.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with).toMatchObject({ name: 'drctl-plan', path: 'plan.bin' });
    expect(shellLines(jobs.apply.steps.map((s) => s.run ?? '').join('\n')).join('\n')).toContain('--name drctl-plan');
    // One comment, from one file.
    expect(jobs.plan.steps.filter((s) => s.run?.includes('gh pr comment'))).toHaveLength(1);
    expect(jobs.plan.steps.find((s) => s.run?.includes('gh pr comment'))?.run).toContain('--body-file comment.md');
  });

  it('GitLab: the merge request job reviews, the default-branch job applies one reviewed plan at a time per workspace', () => {
    const ci = gitlabYaml;
    expect(ci.stages).toEqual(['review', 'apply']);
    expect(ci['drctl-review'].rules[0].if).toContain('merge_request_event');
    expect(ci['drctl-apply'].rules[0].if).toContain('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH');
    expect(ci['drctl-apply'].resource_group).toBe(`drctl-apply-${ci.variables.DRCTL_WORKSPACE}`);
    expect(ci['drctl-review'].artifacts?.paths).toEqual(['plan.bin']);
    expect(ci['drctl-apply'].script.join('\n')).toContain('raw/plan.bin?job=drctl-review');
    expect(ci.variables.GIT_DEPTH).toBe('0');
  });

  it('both workflows review with validate, plan -out, show --markdown and state diff, and apply the saved plan', () => {
    for (const wf of WORKFLOWS) {
      const ids = (lines: readonly string[]) => lines.filter(isDrctl).map((l) => checkAgainstCli(parseDrctlLine(l, wf.vars).argv, wf.name));
      expect(ids(wf.review), wf.name).toEqual(['validate', 'plan', 'show', 'state:diff']);
      expect(ids(wf.apply), wf.name).toEqual(['apply']);
      const apply = parseDrctlLine(wf.apply.find(isDrctl)!, wf.vars);
      expect(apply.argv).toEqual(['apply', 'plan.bin']);
      // The state file the workflow diffs and commits is the one plans/ keeps its state in.
      expect(fs.readFileSync(path.join(ROOT, 'plans/main.hcl'), 'utf8')).toContain(`path = "${wf.vars.STATE}"`);
    }
  });
});

describe.each(WORKFLOWS.map((wf) => [wf.name, wf] as const))('%s, its drctl lines run as written against the simulator', (_name, wf) => {
  it('a pull request gets one comment within the limit; its merge applies the reviewed plan; a stale plan is refused', async () => {
    const { w, git } = await teamRepository(wf.vars);
    const state = wf.vars.STATE;
    const vms = path.join(wf.vars.DR_DIR, 'vms.hcl');
    // What `fetch-depth: 0` (GIT_DEPTH 0, or the explicit fetch) gives: the base branch as origin/main.
    const pushMain = () => git('update-ref', 'refs/remotes/origin/main', 'main');
    pushMain();

    // A pull request: one VM gets more memory.
    git('checkout', '-q', '-b', 'ldap-memory');
    editOrFail(w, vms, moreLdapMemory);
    git('commit', '-q', '-am', 'ldap01: 24 GB');
    expect((await runJob(w, wf, wf.review)).code).toBe(0);
    const plan = w.read('plan.md');
    const diff = w.read('state-diff.md');
    expect(plan).toContain('vm.ldap01');
    expect(plan).toMatch(/memory_gb/);
    // The pull request does not touch the state: the diff says so.
    expect(diff).toContain('no differences');
    expect((plan + diff).length).toBeLessThanOrEqual(COMMENT_LIMIT);

    // The merge: the apply job takes the reviewed plan.bin and applies it.
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '-m', 'Merge ldap-memory', 'ldap-memory');
    const before = serialOf(w, state);
    expect((await runJob(w, wf, wf.apply)).code).toBe(0);
    expect(serialOf(w, state)).toBe(before + 1);
    const ldap = JSON.parse(expectExit(await w.run(['state', 'show', 'vm.ldap01', '--json'], { env: wf.vars }), 0).stdout) as object;
    expect(JSON.stringify(ldap)).toMatch(/"memory_gb":24\b/);
    git('commit', '-q', '-am', 'drctl apply [skip ci]'); // the job's "commit the state" step
    pushMain();

    // Two pull requests reviewed against the same state; the first merged is applied, the second is stale.
    git('checkout', '-q', '-b', 'db01');
    editOrFail(w, vms, moreDb01Memory);
    git('commit', '-q', '-am', 'db01: twice the memory');
    expect((await runJob(w, wf, wf.review)).code).toBe(0);
    fs.renameSync(w.file('plan.bin'), w.file('db01.bin'));
    git('checkout', '-q', 'main');
    git('checkout', '-q', '-b', 'monitor');
    editOrFail(w, vms, moreMonitorMemory);
    git('commit', '-q', '-am', 'monitor01: twice the memory');
    expect((await runJob(w, wf, wf.review)).code).toBe(0);
    fs.renameSync(w.file('plan.bin'), w.file('monitor.bin'));

    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '-m', 'Merge db01', 'db01');
    fs.renameSync(w.file('db01.bin'), w.file('plan.bin'));
    expect((await runJob(w, wf, wf.apply)).code).toBe(0);
    git('commit', '-q', '-am', 'drctl apply [skip ci]');

    git('merge', '-q', '--no-ff', '-m', 'Merge monitor', 'monitor');
    fs.renameSync(w.file('monitor.bin'), w.file('plan.bin'));
    const stateBefore = w.read(state);
    const refused = await runJob(w, wf, wf.apply);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/plan\.bin is stale: it was made at state serial \d+, and the state is now at serial \d+/);
    expect(w.read(state), 'a refused plan leaves the state as it was').toBe(stateBefore);
  }, 300_000);
});
