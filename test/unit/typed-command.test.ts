import {describe, expect, it} from 'vitest';
import {parseFlags, flagsOf} from '../../src/container/command-grammar.js';
import {compareTyped, hintFor, splitCommandLine, type TypedContext, type TypedVerdict} from '../../src/container/typed-command.js';
import {fill, steps, typedLines, type StepName, type Vars} from '../fixtures/typed-lines.js';

const split = (line: string) => {
	const result = splitCommandLine(line);
	if (!result.ok) throw new Error(result.reason);
	return result.words;
};

describe('splitCommandLine splits like a shell, without one', () => {
	it.each([
		['docker push a/b:1.0', ['docker', 'push', 'a/b:1.0']],
		['  docker   tag  x  y ', ['docker', 'tag', 'x', 'y']],
		[`docker tag 'my image' "x\\"y"`, ['docker', 'tag', 'my image', 'x"y']],
		['docker tag a\\ b c', ['docker', 'tag', 'a b', 'c']],
		[`docker tag '' x`, ['docker', 'tag', '', 'x']],
	])('%s', (line, words) => expect(split(line)).toEqual(words));

	it('refuses an unclosed quote and shell operators, with the reason', () => {
		expect(splitCommandLine('docker tag "x y')).toMatchObject({ok: false, reason: expect.stringMatching(/double quote/)});
		expect(splitCommandLine('docker push x && rm -rf /')).toMatchObject({ok: false, reason: expect.stringMatching(/no shell.*&&/)});
		expect(splitCommandLine('docker push $(whoami)/x')).toMatchObject({ok: false});
		expect(splitCommandLine('docker push x/$(whoami)')).toMatchObject({ok: false});
		expect(splitCommandLine('docker push `id`')).toMatchObject({ok: false});
	});

	it('names the engine in use', () => {
		expect(splitCommandLine('podman push x; ls', 'podman')).toMatchObject({ok: false, reason: expect.stringMatching(/Type just the podman command\.$/)});
	});
});

const host = '127.0.0.1:5000';
const push = {engine: 'docker', expected: ['push', `${host}/alice/demo:1.0`], username: 'alice', registry: host};
const tag = {engine: 'docker', expected: ['tag', 'registry-lab-starter:1.0', `${host}/alice/demo:1.0`], username: 'alice', registry: host};
const hubPush = {engine: 'docker', expected: ['push', 'alice/demo:1.0'], username: 'alice', registry: 'docker.io'};

describe('compareTyped says what differs', () => {
	it('passes the exact command and its aliases', () => {
		expect(compareTyped(split(`docker push ${host}/alice/demo:1.0`), push)).toEqual({ok: true});
		expect(compareTyped(split(`docker image push ${host}/alice/demo:1.0`), push)).toEqual({ok: true});
	});

	it.each([
		['docker pus 127.0.0.1:5000/alice/demo:1.0', push, 'subcommand', /did you mean 'docker push'/],
		['docker run 127.0.0.1:5000/alice/demo:1.0', push, 'not-allowed', /docker push/],
		['podman push 127.0.0.1:5000/alice/demo:1.0', push, 'not-engine', /Only docker commands/],
		['sudo docker push x', push, 'not-engine', /Leave out sudo/],
		['docker push', push, 'missing-argument', /needs one name/],
		['docker push a b', push, 'extra-argument', /'b' is one too many/],
		['docker tag 127.0.0.1:5000/alice/demo:1.0', tag, 'missing-argument', /needs 2 names.*the image you have, then its new name/],
		['docker tag nginx 127.0.0.1:5000/alice/demo:1.0', tag, 'source-image', /the one you chose, registry-lab-starter:1\.0/],
		[
			'docker tag registry-lab-starter 127.0.0.1:5000/alice/demo:1.0',
			tag,
			'source-image',
			/you typed 'registry-lab-starter'\. Without a tag docker means 'registry-lab-starter:latest'\./,
		],
		['docker push 127.0.0.1:5000/bob/demo:1.0', push, 'namespace', /under your username: alice\/demo/],
		['docker push 127.0.0.1:5000/demo:1.0', push, 'namespace', /under your username/],
		['docker push 127.0.0.1:5000/alice/demo', push, 'missing-tag', /Add the tag, :1\.0/],
		['docker push alice/demo:1.0', push, 'registry-host', /must start with the registry, 127\.0\.0\.1:5000\//],
		['docker push localhost:5000/alice/demo:1.0', push, 'registry-host', /127\.0\.0\.1:5000/],
		['docker push demo:1.0', hubPush, 'namespace', /alice\/demo/],
		['docker push 127.0.0.1:5000/alice/demo:2.0', push, 'different', /tag is 1\.0; you typed 2\.0/],
		[
			'docker login 127.0.0.1:5000 -u alice -p secret',
			{engine: 'docker', expected: ['login', host, '--username', 'alice', '--password-stdin']},
			'secret-in-argv',
			/Never put a password on the command line/,
		],
	])('%s', (line, context, mistake, message) => {
		const verdict = compareTyped(split(line), context);
		expect(verdict).toMatchObject({ok: false, mistake});
		if (!verdict.ok) expect(verdict.message).toMatch(message);
	});
});

describe('hint levels', () => {
	it('nudge, then shape, then the whole command', () => {
		const context = {...push, shape: 'docker push REGISTRY/USERNAME/REPOSITORY:TAG'};
		expect(hintFor(1, context)).toMatch(/^Nudge: .*docker push/);
		expect(hintFor(2, context)).toBe('Shape: docker push REGISTRY/USERNAME/REPOSITORY:TAG');
		expect(hintFor(3, context)).toContain(`docker push ${host}/alice/demo:1.0`);
	});
});

const vars: Vars = {host, port: '5000', user: 'alice', imageName: 'my-app', repo: 'demo', pullRepo: 'shared'};

function contextOf(step: StepName): TypedContext {
	const {engine, hub, expected} = steps[step];
	return {engine, expected: expected(vars), username: vars.user, registry: hub ? 'docker.io' : host};
}

function grade(line: string, context: TypedContext): TypedVerdict | {ok: false; mistake: 'split'; message: string} {
	const split = splitCommandLine(line, context.engine);
	return split.ok ? compareTyped(split.words, context) : {ok: false, mistake: 'split', message: split.reason};
}

/** Lines a refusal offers to type instead: the spans in backquotes that start with the engine. */
function offeredLines(message: string, engine: string): string[] {
	return [...message.matchAll(/`([^`]+)`/g)].map(match => match[1]!).filter(text => text.startsWith(`${engine} `));
}

describe('the table of typed lines (test/fixtures/typed-lines.ts)', () => {
	it('has a case for each thing the grammar must know, and enough of them', () => {
		expect(typedLines.length).toBeGreaterThanOrEqual(40);
		const outcomes = new Set(typedLines.map(row => row.expect));
		for (const needed of ['accepted', 'secret-in-argv', 'unknown-flag', 'changes-action', 'username', 'registry-host', 'invalid-name'] as const) {
			expect(outcomes).toContain(needed);
		}
	});

	it.each(typedLines.map(row => [`${row.step}: ${row.line} (${row.why})`, row] as const))('%s', (_name, row) => {
		const context = contextOf(row.step);
		const verdict = grade(fill(row.line, vars), context);
		if (row.expect === 'accepted') expect(verdict).toEqual({ok: true});
		else expect(verdict).toMatchObject({ok: false, mistake: row.expect});
		if (!verdict.ok) {
			if (row.secret) expect(verdict.message).not.toContain(row.secret);
			// The words follow the engine in use.
			const other = context.engine === 'docker' ? 'podman' : 'docker';
			if (!fill(row.line, vars).startsWith(other)) expect(verdict.message).not.toMatch(new RegExp(`\\b${other}\\b`));
		}
	});

	it('every line a refusal offers is one the grader then accepts', () => {
		let offered = 0;
		for (const row of typedLines) {
			const context = contextOf(row.step);
			const verdict = grade(fill(row.line, vars), context);
			if (verdict.ok) continue;
			for (const line of offeredLines(verdict.message, context.engine)) {
				offered += 1;
				expect(grade(line, context), `${row.line} offered ${line}`).toEqual({ok: true});
				if (row.secret) expect(line).not.toContain(row.secret);
			}
		}
		expect(offered).toBeGreaterThan(15);
	});

	it('a did-you-mean, taken, is no longer a typo', () => {
		for (const row of typedLines.filter(candidate => candidate.expect === 'subcommand')) {
			const context = contextOf(row.step);
			const verdict = grade(fill(row.line, vars), context);
			const meant = verdict.ok ? undefined : /did you mean '([^']+)'/.exec(verdict.message)?.[1];
			expect(meant).toBeDefined();
			const words = fill(row.line, vars).split(' ');
			const fixed = [...meant!.split(' '), ...words.slice(meant!.split(' ').length)].join(' ');
			expect(grade(fixed, context)).toEqual({ok: true});
		}
	});

	it('the last hint, typed, is accepted at every step', () => {
		for (const step of Object.keys(steps) as StepName[]) {
			const context = contextOf(step);
			const line = hintFor(3, {...context, shape: ''})
				.split(': ')
				.at(-1)!;
			expect(grade(line, context), line).toEqual({ok: true});
		}
	});
});

describe('the password is never repeated', () => {
	const secret = 'Hunter2-very-secret';
	const login = contextOf('login');
	it.each([
		`docker login ${host} -u alice -p ${secret}`,
		`docker login ${host} -u alice -p${secret}`,
		`docker login ${host} -u alice -p=${secret}`,
		`docker login ${host} -u alice --password ${secret}`,
		`docker login ${host} -u alice --password=${secret}`,
		`docker login ${host} -u alice ${secret}`,
		`docker login ${host} ${secret} -u alice`,
		`docker login -u alice ${secret}`,
		`docker login ${secret}`,
		`docker login ${host} -u alice --password-stdin=${secret}`,
		`docker login ${host} -u alice --pasword ${secret}`,
		`docker login ${host} -u alice -P ${secret}`,
		`docker login ${host} -u alice -x${secret}`,
		`docker login ${host} --username=alice:${secret}`,
		`docker login ${host} -u ${secret}`,
		`docker push ${host}/alice/demo:1.0 ${secret}`,
	])('%s', line => {
		const context = line.startsWith('docker push') ? contextOf('push') : login;
		const verdict = grade(line, context);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok && !line.startsWith('docker push')) expect(verdict.message).not.toContain(secret);
	});
});

describe('the grammar reads options as pflag does', () => {
	const login = flagsOf('docker', 'login');
	const read = (line: string) => {
		const parsed = parseFlags(line.split(' '), login);
		return {flags: parsed.flags.map(flag => [flag.written, flag.value]), names: parsed.positionals.map(name => name.value), problems: parsed.problems};
	};

	it.each([
		['-u alice host', [['-u', 'alice']], ['host']],
		['host -ualice', [['-u', 'alice']], ['host']],
		['-u=alice host', [['-u', 'alice']], ['host']],
		[
			'--username=alice --password-stdin host',
			[
				['--username', 'alice'],
				['--password-stdin', 'true'],
			],
			['host'],
		],
		['-u --password-stdin host', [['-u', '--password-stdin']], ['host']],
		['-- -u alice', [], ['-u', 'alice']],
		['- host', [], ['-', 'host']],
	])('%s', (line, flags, names) => {
		expect(read(line)).toEqual({flags, names, problems: []});
	});

	it('says why it would stop, naming only the option', () => {
		expect(read('--user alice').problems).toEqual([{kind: 'unknown', name: '--user'}]);
		expect(read('-x').problems).toEqual([{kind: 'unknown', name: '-x'}]);
		expect(read('host -u').problems).toMatchObject([{kind: 'needs-value', name: '-u'}]);
		expect(read('---u').problems).toEqual([{kind: 'bad-syntax', name: '---u'}]);
		expect(read('--password-stdin=yes').problems).toMatchObject([{kind: 'bad-bool', name: '--password-stdin', value: 'yes'}]);
	});

	it('reads a cluster of one-letter booleans', () => {
		const parsed = parseFlags(['-qa', 'x'], flagsOf('docker', 'pull'));
		expect(parsed.flags.map(flag => flag.written)).toEqual(['-q', '-a']);
		expect(parsed.positionals.map(name => name.value)).toEqual(['x']);
	});
});
