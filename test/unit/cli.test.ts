import {existsSync, readFileSync} from 'node:fs';
import {describe, expect, it, vi} from 'vitest';
import {main} from '../../src/cli.js';
import {closest, type CommandLine, type FlagSpec} from '../../src/commands/args.js';
import {diagnoseArgs} from '../../src/commands/diagnose.js';
import {doctorArgs} from '../../src/commands/doctor.js';
import {explainArgs} from '../../src/commands/explain.js';
import {labArgs} from '../../src/commands/lab.js';
import {lintArgs} from '../../src/commands/lesson.js';
import {resetArgs} from '../../src/commands/reset.js';
import {cleanupArgs} from '../../src/commands/cleanup.js';
import {verifyArgs} from '../../src/commands/verify.js';
import {runCommand} from '../../src/run/run-command.js';

/** The real CLI, run from source the way `npm start` does. */
const cli = (args: string[], options: {stdin?: string; env?: Record<string, string>} = {}) =>
	runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', ...args], timeoutMs: 30_000, ...options});

describe('registry-lab explain', () => {
	it('--json prints exactly one object and exits 0 for a valid name', async () => {
		const result = await cli(['explain', 'alpine', '--json']);
		expect(result.exitCode).toBe(0);
		expect(JSON.parse(result.stdout)).toEqual({
			input: 'alpine',
			valid: true,
			domain: 'docker.io',
			path: 'library/alpine',
			tag: 'latest',
			digest: null,
			normalized: 'docker.io/library/alpine:latest',
		});
	});

	it('exits 1 with the reason for an invalid name', async () => {
		const result = await cli(['explain', 'My App', '--json']);
		expect(result.exitCode).toBe(1);
		const json = JSON.parse(result.stdout) as {reason?: unknown};
		expect(json).toMatchObject({input: 'My App', valid: false});
		expect(json.reason).toMatch(/space/);
	});

	it('explains in words without --json', async () => {
		const result = await cli(['explain', '127.0.0.1:5000/alice/demo:1.0']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(/127\.0\.0\.1:5000/);
		expect(result.stdout).toMatch(/1\.0/);
	});

	it('refuses a missing name in one line on stderr (exit 2)', async () => {
		const result = await cli(['explain']);
		expect(result.exitCode).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim()).toBe(
			'registry-lab explain: give an image name, like registry-lab explain alpine.\nRun registry-lab explain --help to see every option.',
		);
	});
});

describe('registry-lab diagnose', () => {
	it('reads the message on stdin', async () => {
		const result = await cli(['diagnose', '--json'], {
			stdin: 'Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized',
		});
		expect(result.exitCode).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({cause: 'login-failed'});
	});

	it('with nothing on standard input (or only blank lines) it says it needs the message: exit 2, not a diagnosis of nothing', async () => {
		for (const stdin of ['', ' \n\t\n']) {
			const result = await cli(['diagnose'], {stdin});
			expect(result.exitCode).toBe(2);
			expect(result.stdout).toBe('');
			expect(result.stderr).toMatch(/^registry-lab diagnose: there is no message to explain: pipe it in .* or pass --text "\.\.\."\.\n/);
			expect(result.stderr.trim().split('\n')).toHaveLength(2);
		}
	});

	it('--engine podman: the advice names podman', async () => {
		const text = 'Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized';
		const podman = await cli(['diagnose', '--json', '--engine', 'podman'], {stdin: text});
		expect(podman.exitCode).toBe(0);
		expect((JSON.parse(podman.stdout) as {hint: string}).hint).toContain('`podman login 127.0.0.1:5000`');
		const docker = await cli(['diagnose', '--json'], {stdin: text});
		expect((JSON.parse(docker.stdout) as {hint: string}).hint).toContain('`docker login 127.0.0.1:5000`');
	});

	it('takes --text, and exits 1 for a message it does not know', async () => {
		const result = await cli(['diagnose', '--json', '--text', 'the moon is made of cheese']);
		expect(result.exitCode).toBe(1);
		expect(Object.keys(JSON.parse(result.stdout) as object).sort()).toEqual(['cause', 'hint', 'title']);
	});
});

describe('registry-lab itself', () => {
	it('--help lists every command and option', async () => {
		const result = await cli(['--help']);
		expect(result.exitCode).toBe(0);
		for (const word of ['explain', 'diagnose', 'doctor', 'verify', 'reset', '--hub', '--registry', '--practice', '--lesson', '--engine', '--version']) {
			expect(result.stdout).toContain(word);
		}
	});

	it('--version prints the package version', async () => {
		const result = await cli(['--version']);
		expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
	});

	it('an unknown option is a usage error (exit 2) that names it', async () => {
		const result = await cli(['--pratice']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/pratice/);
	});

	it('an unknown command is a usage error', async () => {
		const result = await cli(['push']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/no command 'push'/);
	});

	it('a bad --registry value is refused with the reason', async () => {
		const result = await cli(['--registry', 'https://registry.example:5000']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/Leave out the https:\/\/ part/);
	});

	it('without a terminal it explains instead of crashing', async () => {
		const result = await cli(['--practice']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/needs a terminal/);
		expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
	});
});

/** main() in this process, with what it writes to standard output and standard error caught. */
async function inProcess(argv: string[]): Promise<{exitCode: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const out = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => ((stdout += String(chunk)), true));
	const err = vi.spyOn(process.stderr, 'write').mockImplementation(chunk => ((stderr += String(chunk)), true));
	try {
		return {exitCode: await main(argv), stdout, stderr};
	} finally {
		out.mockRestore();
		err.mockRestore();
	}
}

const pointer = (name: string) => `Run ${name} --help to see every option.`;

describe('usage errors: one line on stderr, a pointer to --help, exit 2', () => {
	const cases: [argv: string[], name: string, says: RegExp][] = [
		[['--engine', 'foo'], 'registry-lab', /--engine must be docker or podman, not 'foo'\./],
		[['--registry', 'a.example', '--registry', 'b.example'], 'registry-lab', /--registry is given twice: give it once\./],
		[['--registry', ''], 'registry-lab', /--registry needs a value, and it is empty\./],
		[['--registry=  '], 'registry-lab', /--registry needs a value, and it is empty\./],
		[['--registry'], 'registry-lab', /--registry needs a value after it\./],
		[['--registry', '--practice'], 'registry-lab', /--registry needs a value after it \(a value that starts with - is written --registry=-VALUE\)\./],
		[['--registry', 'registry.example:99999'], 'registry-lab', /--registry: The port 99999 does not exist: a port is a number from 1 to 65535\./],
		[['--registry', 'registry.example:0'], 'registry-lab', /The port 0 does not exist/],
		[['--hub', '--practice'], 'registry-lab', /choose one of --hub, --registry, --practice and --class/],
		[['--class', '127.0.0.1:5001', '--registry', 'a.example'], 'registry-lab', /choose one of --hub, --registry, --practice and --class/],
		[['--class', 'class.example'], 'registry-lab', /--class: add the port, as on your slip \(HOST:PORT\)\./],
		[['--class', 'http://class.example:5001'], 'registry-lab', /--class: Leave out the http:\/\/ part/],
		[['--class', 'class.example:5001', '--lesson', 'registries'], 'registry-lab', /--class runs the class’s own lesson: leave out --lesson\./],
		[['--pratice'], 'registry-lab', /there is no option --pratice \(did you mean --practice\?\)\./],
		[['-practice'], 'registry-lab', /there is no option -practice \(did you mean --practice\?\)\./],
		[['--colour'], 'registry-lab', /there is no option --colour\./],
		[['--plain=yes'], 'registry-lab', /--plain takes no value\./],
		[['push'], 'registry-lab', /there is no command 'push' \(commands: explain, diagnose, doctor, verify, reset, cleanup, lesson\)\./],
		[['verfy'], 'registry-lab', /there is no command 'verfy' \(did you mean 'verify'\?\)\./],
		[['help'], 'registry-lab', /there is no command 'help' \(did you mean registry-lab --help\?\)\./],
		[['--plain', 'verify'], 'registry-lab', /the command comes first: registry-lab verify \[options\]\./],
		[['explain'], 'registry-lab explain', /give an image name/],
		[['explain', 'a', 'b'], 'registry-lab explain', /give exactly one image name/],
		[['explain', '--jsno', 'alpine'], 'registry-lab explain', /there is no option --jsno \(did you mean --json\?\)\./],
		[['diagnose', 'oops'], 'registry-lab diagnose', /unexpected argument 'oops'/],
		[['diagnose', '--text', 'a', '--text', 'b'], 'registry-lab diagnose', /--text is given twice/],
		[['diagnose', '--text', ''], 'registry-lab diagnose', /--text needs a value, and it is empty\./],
		[['diagnose', '--engine', 'moby'], 'registry-lab diagnose', /--engine must be docker or podman, not 'moby'\./],
		[['doctor', '--engine', 'foo'], 'registry-lab doctor', /--engine must be docker or podman, not 'foo'\./],
		[['doctor', '--registry'], 'registry-lab doctor', /--registry needs a value after it\./],
		[['doctor', '--registry', ''], 'registry-lab doctor', /--registry needs a value, and it is empty\./],
		[['doctor', '--registry', 'h:70000'], 'registry-lab doctor', /The port 70000 does not exist/],
		[['doctor', '--registry', 'https://registry.example'], 'registry-lab doctor', /Leave out the https:\/\/ part/],
		[['doctor', 'registry.example'], 'registry-lab doctor', /unexpected argument 'registry.example'/],
		[['verify', '--engine', 'foo'], 'registry-lab verify', /--engine must be docker or podman/],
		[['verify', '--lesson', 'a', '--lesson', 'b'], 'registry-lab verify', /--lesson is given twice/],
		[['verify', 'registries'], 'registry-lab verify', /unexpected 'registries' \(choose a lesson with --lesson\)/],
		[['reset', 'a', 'b'], 'registry-lab reset', /name at most one lesson\./],
		[['reset', '--yess'], 'registry-lab reset', /there is no option --yess \(did you mean --yes\?\)\./],
	];
	it.each(cases)('%j', async (argv, name, says) => {
		const result = await inProcess(argv);
		expect(result.exitCode).toBe(2);
		expect(result.stdout).toBe('');
		const lines = result.stderr.split('\n');
		expect(lines, result.stderr).toEqual([expect.stringMatching(says), pointer(name), '']);
		expect(lines[0]!.startsWith(`${name}: `)).toBe(true);
	});

	it('the real process exits 2 too, with no stack trace', async () => {
		for (const args of [
			['--engine', 'foo'],
			['--registry', 'a.example', '--registry', 'b.example'],
			['--bogus'],
			['verfy'],
			['doctor', '--registry', 'h:99999'],
		]) {
			const result = await cli(args);
			expect(result.exitCode, args.join(' ')).toBe(2);
			expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(2);
			expect(result.stderr).not.toMatch(/\n\s+at |node:internal/);
		}
	});
});

describe('-h and -v', () => {
	const helps: [command: string[], usage: string][] = [
		[[], '$ registry-lab [options]'],
		[['explain'], '$ registry-lab explain REF [--json]'],
		[['diagnose'], '$ registry-lab diagnose [--json]'],
		[['doctor'], '$ registry-lab doctor [--registry'],
		[['verify'], '$ registry-lab verify [--json]'],
		[['reset'], '$ registry-lab reset [LESSON] [--yes]'],
		[['cleanup'], '$ registry-lab cleanup [--yes] [--dry-run] [--engine docker|podman]'],
		[['lesson', 'lint'], '$ registry-lab lesson lint FILE… [--json]'],
	];
	it.each(helps)('%j -h is --help, -v is --version', async (command, usage) => {
		const short = await inProcess([...command, '-h']);
		expect(short.exitCode).toBe(0);
		expect(short.stdout).toContain(usage);
		expect(short.stdout).toBe((await inProcess([...command, '--help'])).stdout);
		const version = await inProcess([...command, '-v']);
		expect(version.exitCode).toBe(0);
		expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
		expect(version.stdout).toBe((await inProcess([...command, '--version'])).stdout);
	});

	it('in the real process: registry-lab verify -h exits 0 with the help', async () => {
		const result = await cli(['verify', '-h']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toContain(
			'$ registry-lab verify [--json] [--verbose] [--lesson ID|FILE] [--registry HOST[:PORT] | --practice] [--engine docker|podman]',
		);
	});
});

describe('closest: the near miss a usage error names', () => {
	it('finds a letter wrong, missing, extra or swapped, and nothing far off', () => {
		const names = ['explain', 'diagnose', 'doctor', 'verify', 'reset'];
		expect(closest('verfy', names)).toBe('verify');
		expect(closest('docter', names)).toBe('doctor');
		expect(closest('resett', names)).toBe('reset');
		expect(closest('exlpain', names)).toBe('explain');
		expect(closest('DIAGNOSE', names)).toBe('diagnose');
		expect(closest('push', names)).toBeUndefined();
		expect(closest('x', ['hub', 'json'])).toBeUndefined();
	});
});

/** Every command line, with its help: what the command accepts, and what it says it accepts. */
const commandLines: readonly CommandLine<Record<string, FlagSpec>>[] = [
	labArgs,
	explainArgs,
	diagnoseArgs,
	doctorArgs,
	verifyArgs,
	resetArgs,
	cleanupArgs,
	lintArgs,
];

describe('every command and option is documented', () => {
	it('each help names every option its command takes, and takes every option it names', () => {
		for (const line of commandLines) {
			const named = new Set([...line.help.matchAll(/(?<![\w-])--([a-z][\w-]*)/g)].map(match => match[1]!));
			const taken = new Set([...Object.keys(line.flags), 'help', 'version']);
			// The main help names the subcommands' own options only in passing (verify's --json, reset's --yes, cleanup's --dry-run).
			const passing = line.name === 'registry-lab' ? ['json', 'yes', 'dry-run'] : [];
			expect([...named].filter(name => !passing.includes(name)).sort(), line.name).toEqual([...taken].sort());
			expect(line.help, line.name).toContain('-h, --help');
			expect(line.help, line.name).toContain('-v, --version');
		}
	});

	it("README's command and option section is exactly what registry-lab --help prints", async () => {
		const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
		const section = /^## Commands and options\n[\s\S]*?^```\n([\s\S]*?)^```$/m.exec(readme)?.[1];
		const help = (await inProcess(['--help'])).stdout;
		// The help ends with a blank line, which the code block leaves out.
		expect(section).toBe(help.replace(/\n+$/, '\n'));
	});

	it("README gives each command's usage line as its help does, and names each of its options", () => {
		const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
		for (const line of commandLines.filter(command => command.name !== 'registry-lab')) {
			const usage = /^\s*\$ (registry-lab \S+.*)$/m.exec(line.help)![1]!;
			expect(readme, line.name).toContain(usage);
			// The command's own section: from its heading to the next.
			const heading = readme.search(new RegExp(`^###.*\`${line.name}( |\`)`, 'm'));
			expect(heading, line.name).toBeGreaterThan(0);
			const body = readme.indexOf('\n', heading) + 1;
			const next = readme.slice(body).search(/^##/m);
			const section = readme.slice(heading, next === -1 ? undefined : body + next);
			for (const flag of Object.keys(line.flags)) expect(section, `${line.name} --${flag}`).toContain(`--${flag}`);
		}
	});
});

// util-linux `script` gives the CLI a real terminal.
describe.skipIf(!existsSync('/usr/bin/script'))('registry-lab diagnose in a terminal', () => {
	const onTerminal = (input: string) =>
		runCommand({
			file: '/usr/bin/script',
			args: ['-qec', `'${process.execPath}' --import tsx src/main.ts diagnose`, '/dev/null'],
			stdin: input,
			timeoutMs: 30_000,
		});

	it('asks for the message and reads it until Ctrl+D', async () => {
		const result = await onTerminal('Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized\n\u0004');
		expect(result.stdout).toContain('Paste the error message, then press Ctrl+D on a new line to finish');
		expect(result.stdout).toContain('127.0.0.1:5000 did not accept your username or password.');
		expect(result.exitCode).toBe(0);
	});

	it('Ctrl+D at once: it needs the message (exit 2)', async () => {
		const result = await onTerminal('\u0004');
		expect(result.stdout).toContain('Paste the error message');
		expect(result.stdout).toContain('registry-lab diagnose: there is no message to explain');
		expect(result.exitCode).toBe(2);
	});
});
