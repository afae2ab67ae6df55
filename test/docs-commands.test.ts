import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNode } from './support/run-node.js';

// Every shell command in the docs (fenced sh/bash blocks, and inline code that is a whole command) is either
// run here, or checked against the repository (the script, file, package or variable it names exists), or
// listed as needing something CI does not have. A command that fits none of these fails the test, so a new
// command in the docs has to be covered before it lands.

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const CLI_BIN = join(ROOT, 'packages', 'cli', 'dist', 'cjs', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'spanwise-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface DocCommand {
  file: string;
  command: string;
}

function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  const readmes = readdirSync(EXAMPLES)
    .map((name) => join('examples', name, 'README.md'))
    .filter((path) => existsSync(join(ROOT, path)));
  return ['README.md', ...docs, ...readmes];
}

const HOOK = /\bnode\s+--(require|import)\s+@spanwise\/core\/register\s+(\S+)/;

function extractCommands(): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const file of docFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const [, lang, body] of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
      if (!['sh', 'bash', 'shell'].includes(lang ?? '')) continue;
      for (const raw of (body ?? '').split('\n')) {
        const command = raw.replace(/(^|\s+)#\s.*$/, '').trim();
        if (command !== '' && !command.startsWith('#')) commands.push({ file, command });
      }
    }
    const prose = text.replace(/^```[\s\S]*?^```/gm, '');
    for (const [, code] of prose.matchAll(/`([^`\n]+)`/g)) {
      // Inline code that is a whole command; a bare flag or a program's name in a sentence is not.
      if (HOOK.test(code ?? '') || /^(node examples\/|pnpm \w)/.test(code ?? '')) {
        commands.push({ file, command: code ?? '' });
      }
    }
  }
  return commands;
}

/** `VAR=value ... rest` -> the variables and the rest. */
function splitEnv(command: string): { env: Record<string, string>; rest: string } {
  const env: Record<string, string> = {};
  let rest = command;
  for (
    let m = rest.match(/^([A-Z_][A-Z0-9_]*)=(\S*)\s+/);
    m !== null;
    m = rest.match(/^([A-Z_][A-Z0-9_]*)=(\S*)\s+/)
  ) {
    env[m[1] ?? ''] = m[2] ?? '';
    rest = rest.slice(m[0].length);
  }
  return { env, rest };
}

const rootScripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts);
/** Variables docs/configuration.md documents; `OTEL_EXPORTER_OTLP_[TRACES_]X` stands for both spellings. */
const documentedVariables = new Set(
  [
    ...readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8').matchAll(
      /`((?:OTEL|SPANWISE)_[A-Z_[\]]+)`/g,
    ),
  ].flatMap(([, name]) => [name?.replace('[TRACES_]', ''), name?.replace('[TRACES_]', 'TRACES_')]),
);

/** Every package name a workspace package depends on, or is. */
function knownPackages(): Set<string> {
  const names = new Set<string>();
  for (const dir of ['packages', 'examples']) {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = join(ROOT, dir, name, 'package.json');
      if (!existsSync(path)) continue;
      const pkg = JSON.parse(readFileSync(path, 'utf8'));
      names.add(pkg.name);
      for (const deps of [pkg.dependencies, pkg.peerDependencies, pkg.devDependencies]) {
        for (const dep of Object.keys(deps ?? {})) names.add(dep);
      }
    }
  }
  return names;
}

/** A file of that name in some example, for an entry a doc runs from an example's folder. */
function inSomeExample(entry: string): boolean {
  return readdirSync(EXAMPLES).some((dir) => existsSync(join(EXAMPLES, dir, entry)));
}

/** The tests that run an example (they name its folder). */
function testsNaming(example: string): string[] {
  return readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.ts'))
    .filter((name) => {
      const source = readFileSync(join(__dirname, name), 'utf8');
      return source.includes(`'examples', '${example}'`) || source.includes(`examples/${example}/`);
    });
}

// Stand-ins for the user's entry file: they report whether the hook registered a tracer provider.
const PROBE = `const api = globalThis[Symbol.for('opentelemetry.js.api.1')];
console.log(api?.trace === undefined ? 'untraced' : 'traced');`;
writeFileSync(join(work, 'entry.cjs'), PROBE);
writeFileSync(join(work, 'entry.mjs'), PROBE);

const commands = extractCommands();
const BENCH = /^([A-Z_][A-Z0-9_]*=\S+\s+)*(\(cd bench && |\/usr\/bin\/taskset )/;

/** The distinct register-hook runs the docs show: environment, flag and entry. */
const hookRuns = new Map<string, DocCommand>();
/** The distinct `spanwise dev` command lines. */
const devRuns = new Map<string, DocCommand>();
for (const cmd of commands) {
  if (BENCH.test(cmd.command)) continue;
  const hook = cmd.command.match(HOOK);
  if (hook !== null) {
    const { env } = splitEnv(cmd.command.replace(/^cd (\S+) && /, ''));
    hookRuns.set(JSON.stringify([env, hook[1], hook[2]]), cmd);
  } else if (
    /^(npx @spanwise\/cli |\w+\/)*spanwise dev\b/.test(cmd.command) ||
    /^npx @spanwise\/cli dev\b/.test(cmd.command)
  ) {
    devRuns.set(cmd.command.replace(/^npx @spanwise\/cli /, 'spanwise '), cmd);
  }
}

type Check = (cmd: DocCommand) => void;

/** Classifies each command; checks that need no process run at once, the others are collected. */
const RULES: [RegExp, Check][] = [
  [
    BENCH,
    (cmd) => {
      // The benchmark's own command lines (written by `pnpm bench docs`); `pnpm bench` runs them.
      for (const [, file] of cmd.command.matchAll(/(?:\.\/)?((?:bench\/)?apps\/[\w-]+\.cjs)/g)) {
        const path = file?.startsWith('bench/') ? file : `bench/${file}`;
        expect(existsSync(join(ROOT, path)), `${cmd.file}: ${path} does not exist`).toBe(true);
      }
    },
  ],
  [
    HOOK,
    (cmd) => {
      const { env, rest } = splitEnv(cmd.command.replace(/^cd (\S+) && /, ''));
      for (const name of Object.keys(env).filter((n) => /^(OTEL|SPANWISE)_/.test(n))) {
        expect(documentedVariables, `${cmd.file}: ${name} is not in docs/configuration.md`).toContain(name);
      }
      const entry = rest.match(HOOK)?.[2] ?? '';
      if (!['dist/main.js', 'dist/main.mjs', 'app.js', 'app.mjs', 'main.mjs', '-e'].includes(entry)) {
        expect(inSomeExample(entry), `${cmd.file}: ${entry} is in no example`).toBe(true);
      }
    },
  ],
  [
    /^node examples\//,
    (cmd) => {
      const path = cmd.command.split(/\s+/)[1] ?? '';
      expect(existsSync(join(ROOT, path)), `${cmd.file}: ${path} does not exist`).toBe(true);
      const example = path.split('/')[1] ?? '';
      expect(testsNaming(example), `${cmd.file}: no test runs examples/${example}`).not.toHaveLength(0);
    },
  ],
  [
    /^(\w+=\S+\s+)*pnpm \w/,
    (cmd) => {
      const script = splitEnv(cmd.command).rest.split(/\s+/)[1] ?? '';
      expect(rootScripts, `${cmd.file}: no "${script}" script`).toContain(script);
    },
  ],
  [
    /^pnpm --filter @spanwise\/\S+ \w/,
    (cmd) => {
      const [, , name = '', script = ''] = cmd.command.split(/\s+/);
      const dir = join(ROOT, 'packages', name.replace('@spanwise/', ''));
      const scripts = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts ?? {});
      expect(scripts, `${cmd.file}: ${name} has no "${script}" script`).toContain(script);
    },
  ],
  [
    /^bash scripts\/run\.sh \w/,
    (cmd) => {
      expect(existsSync(join(ROOT, 'scripts', 'run.sh'))).toBe(true);
      expect(rootScripts, cmd.file).toContain(cmd.command.split(/\s+/)[2]);
    },
  ],
  [
    // `npx spanwise` would run whatever an unrelated publisher puts under that unscoped name.
    /^npx spanwise\b/,
    (cmd) => {
      expect.fail(
        `${cmd.file}: \`${cmd.command}\` runs the unscoped npm package "spanwise"; use npx @spanwise/cli`,
      );
    },
  ],
  [
    /^npm install /,
    (cmd) => {
      const known = knownPackages();
      for (const name of cmd.command
        .split(/\s+/)
        .slice(2)
        .filter((arg) => !arg.startsWith('-'))) {
        expect(known, `${cmd.file}: ${name} is no workspace package or dependency`).toContain(name);
      }
    },
  ],
  // Run in the last test.
  [/^(npx @spanwise\/cli dev|spanwise dev)\b/, () => {}],
  [
    // The Nest CLI started with the hook in NODE_OPTIONS: the flag and the variables must be the documented ones.
    /^NODE_OPTIONS='--(require|import) @spanwise\/core\/register'( [A-Z_]+=\S+)* npx nest start( --watch)?$/,
    (cmd) => {
      const { env } = splitEnv(cmd.command.replace(/^NODE_OPTIONS='[^']*' /, ''));
      for (const name of Object.keys(env)) {
        expect(documentedVariables, `${cmd.file}: ${name} is not in docs/configuration.md`).toContain(name);
      }
    },
  ],
  [
    // The bundle docs/bundlers.md shows; test/bundled-app.test.ts builds one with the same options.
    /^esbuild \S+ --bundle --platform=node --format=esm --packages=external --keep-names /,
    () => {
      const test = readFileSync(join(__dirname, 'bundled-app.test.ts'), 'utf8');
      expect(test).toContain("packages: 'external'");
      expect(test).toContain('keepNames: true');
    },
  ],
  [
    /^docker compose -f \S+/,
    (cmd) => {
      // Needs Docker and images from the internet: not run in CI. The file it names must exist.
      const file = cmd.command.split(/\s+/)[3] ?? '';
      expect(existsSync(join(ROOT, file)), `${cmd.file}: ${file} does not exist`).toBe(true);
    },
  ],
  // Need a running app, jq, a broker's own tooling or an operator's shell: documented, not run.
  [/^(curl|jq|rabbitmq-server|redis-server|kubectl) /, () => {}],
  // The build of the user's own project (test/getting-started.e2e.test.ts compiles the same app with tsc).
  [/^(nest build|npm run build)$/, () => {}],
];

describe('shell commands in the docs', () => {
  it('finds the commands (the extraction itself works)', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.map((cmd) => cmd.command)).toContain(
      'node --import @spanwise/core/register dist/main.js',
    );
    expect(hookRuns.size).toBeGreaterThan(3);
    expect(devRuns.size).toBeGreaterThan(0);
  });

  it('every command is run here, checked against the repository, or known to need other infrastructure', () => {
    for (const cmd of commands) {
      const rule = RULES.find(([pattern]) => pattern.test(cmd.command));
      expect(rule, `${cmd.file}: no test covers the command \`${cmd.command}\``).toBeDefined();
      rule?.[1](cmd);
    }
  });

  it('each `node --require/--import @spanwise/core/register` command starts traced, without a warning', async () => {
    const runs = [...hookRuns.entries()].map(async ([key, cmd]) => {
      const [env, flag, entry] = JSON.parse(key) as [Record<string, string>, string, string];
      const args =
        entry === '-e'
          ? ['--require', '@spanwise/core/register', '-e', 'console.log("traced")']
          : [
              `--${flag}`,
              '@spanwise/core/register',
              join(work, flag === 'import' ? 'entry.mjs' : 'entry.cjs'),
            ];
      const proc = startNode(args, env);
      const { code } = await proc.exited;
      return { cmd, code, stdout: proc.stdout(), stderr: proc.stderr() };
    });
    for (const { cmd, code, stdout, stderr } of await Promise.all(runs)) {
      const label = `${cmd.file}: ${cmd.command}\n${stderr}`;
      expect(code, label).toBe(0);
      expect(stdout.trim(), label).toBe('traced');
      expect(stderr, label).not.toContain('[spanwise]');
    }
  });

  it('each `spanwise dev` command starts, listens and stops cleanly on SIGTERM', async () => {
    for (const [command, cmd] of devRuns) {
      // A free port instead of 4318, so the test never collides with a receiver already running.
      const args = command
        .split(/\s+/)
        .slice(1)
        .filter((arg, i, all) => arg !== '--port' && all[i - 1] !== '--port');
      const proc = startNode([CLI_BIN, ...args, '--port', '0'], {}, work);
      const [, url] = await proc.waitForLine(/^spanwise dev listening on (http:\/\/\S+:\d+)$/m);
      // One empty export answered: it receives, and its SIGTERM handler (installed just after the first line
      // is printed) is in place.
      const response = await fetch(`${url}/v1/traces`.replace('0.0.0.0', '127.0.0.1'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status, command).toBe(200);
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      expect(code, `${cmd.file}: ${command}\n${proc.stderr()}`).toBe(0);
      expect(proc.stdout()).toContain('spanwise dev stopped (SIGTERM)');
      const out = command.match(/--out (\S+)/)?.[1];
      if (out !== undefined) expect(existsSync(join(work, basename(out))), command).toBe(true);
    }
  });
});
