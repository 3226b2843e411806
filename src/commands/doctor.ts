import {statfs} from 'node:fs/promises';
import os from 'node:os';
import {engineCommand} from '../container/commands.js';
import {commandLine, parseCommandLine, usageError, type Out} from './args.js';
import {defaultEngine, type Engine, type EngineName} from '../container/engine.js';
import {listLogins} from '../container/login-state.js';
import {preflight} from '../container/preflight.js';
import {dockerHubDomain, hostProblem, isDockerHub, isLoopbackHost, registryTitle} from '../registry/address.js';
import {createRegistryClient} from '../registry/registry-client.js';
import {runCommand} from '../run/run-command.js';

export const doctorHelp = `
  Usage
    $ registry-lab doctor [--registry HOST[:PORT]] [--engine docker|podman] [--json]

  Checks this computer for the lesson: the engine program and its version,
  the engine's daemon and permission to use it, where logins are stored and
  for which registries, the credential helper programs, the registry (and
  whether it speaks HTTP or HTTPS), and free disk space. Each line is a pass,
  a warning or a failure with its fix.

  Options
    --registry HOST   the registry to check (default: Docker Hub)
    --engine NAME     docker (default) or podman
    --json            print one JSON object: {ok, checks: [{id, status, summary, fix?}]}
    -h, --help        show this help
    -v, --version     show the version

  Exit codes
    0  nothing failed (warnings allowed)     1  something failed     2  bad usage
`;

export const doctorArgs = commandLine({
	name: 'registry-lab doctor',
	help: doctorHelp,
	flags: {
		json: {type: 'boolean'},
		registry: {type: 'string', default: dockerHubDomain},
		engine: {type: 'string', default: 'docker', choices: ['docker', 'podman']},
	},
});

export type DoctorStatus = 'pass' | 'warn' | 'fail';
export type DoctorCheck = {readonly id: string; readonly status: DoctorStatus; readonly summary: string; readonly fix?: string};

/** Free space below which pushing and pulling starts to fail. */
const lowDiskBytes = 2 * 1024 ** 3;

export async function runDoctor(engine: Engine, registry: string): Promise<DoctorCheck[]> {
	const checks: DoctorCheck[] = [];
	const flight = await preflight(engine);
	for (const item of flight.items) {
		const version =
			item.id === 'engine-cli' && flight.clientVersion
				? ` (version ${flight.clientVersion})`
				: item.id === 'daemon' && flight.serverVersion
					? ` (${engine.name === 'docker' ? 'server' : 'engine'} version ${flight.serverVersion})`
					: '';
		checks.push({
			id: item.id,
			status: item.ok ? 'pass' : 'fail',
			summary: item.ok && version ? `${item.summary.replace(/\.$/, '')}${version}.` : item.summary,
			...(item.ok || !item.diagnosis ? {} : {fix: item.diagnosis.hint}),
		});
	}
	checks.push(...(await loginChecks(engine)));
	checks.push(await registryCheck(registry, engine));
	checks.push(await diskCheck(engine, flight.ok));
	return checks;
}

/** Where logins are kept and for which registries; a config file or password program that does not work is a failure with its fix. */
async function loginChecks(engine: Engine): Promise<DoctorCheck[]> {
	const logins = await listLogins(engine);
	const file = logins.configPath;
	if (logins.configProblem) {
		// The reason ends with its own advice; the fix line says it once, with the file's name.
		const summary = logins.configProblem.replace(/\s*Fix the file \(or move it away\), then log in again\.$/, '');
		return [
			{
				id: 'logins',
				status: 'fail',
				summary,
				fix: `Repair ${file} in an editor, or rename it (${engine.name} makes a new one at your next login), then log in again.`,
			},
		];
	}
	// listLogins words each helper failure as "... '<name>' (docker-credential-<name>), but ...".
	const problemOf = (helper: string): string | undefined => logins.helperProblems.find(problem => problem.includes(`(docker-credential-${helper})`));
	const checks: DoctorCheck[] = [];
	const storeProblem = logins.credsStore ? problemOf(logins.credsStore) : undefined;
	if (logins.credsStore && storeProblem) {
		checks.push({
			id: 'cred-helper',
			status: 'fail',
			summary: `${storeProblem} So ${engine.name} cannot save or use any login.`,
			fix:
				`Install docker-credential-${logins.credsStore}, or remove the "credsStore" line from ${file} ` +
				`so ${engine.name} keeps logins in that file instead.`,
		});
	} else {
		const where = logins.credsStore
			? `the password program docker-credential-${logins.credsStore} (set by "credsStore" in ${file})`
			: logins.configExists
				? file
				: `${file} (not made yet: your first login makes it)`;
		const names = logins.registries.map(entry => `${registryTitle(entry.registry)}${entry.username ? ` as ${entry.username}` : ''}`);
		checks.push({
			id: 'logins',
			status: 'pass',
			summary: `Logins are kept in ${where}. Logged in to: ${names.length > 0 ? names.join(', ') : 'no registry yet'}.`,
		});
	}
	for (const [host, helper] of Object.entries(logins.credHelpers)) {
		const problem = problemOf(helper);
		checks.push(
			problem
				? {
						id: 'cred-helper',
						status: 'fail',
						summary: `${problem} It is set for ${host} by "credHelpers" in ${file}.`,
						fix: `Install docker-credential-${helper}, or remove "${host}" from "credHelpers" in ${file}.`,
					}
				: {id: 'cred-helper', status: 'pass', summary: `Logins for ${host} are kept by docker-credential-${helper}.`},
		);
	}
	const named = new Set([...(logins.credsStore ? [logins.credsStore] : []), ...Object.values(logins.credHelpers)].map(problemOf));
	for (const problem of logins.helperProblems.filter(problem => !named.has(problem))) {
		checks.push({
			id: 'cred-helper',
			status: 'fail',
			summary: problem,
			fix: `Run registry-lab doctor again; if it keeps failing, check "credsStore" and "credHelpers" in ${file}.`,
		});
	}
	return checks;
}

async function registryCheck(registry: string, engine: Engine): Promise<DoctorCheck> {
	const title = registryTitle(registry);
	const ping = await createRegistryClient({registry, timeoutMs: 8000}).ping();
	const podman = engine.name === 'podman';
	// How the engine is told that a registry may speak plain HTTP: each engine has its own place for it.
	const allowHttp = podman
		? `mark it insecure in /etc/containers/registries.conf ([[registry]] location = "${registry}" and insecure = true), ` +
			'or add --tls-verify=false to each podman command'
		: `add "${registry}" to "insecure-registries" in /etc/docker/daemon.json (or Docker Desktop's Docker Engine settings) and restart docker`;
	if (ping.ok) {
		const insecure = ping.scheme === 'http' && !isLoopbackHost(registry);
		const local = podman ? 'registry-lab gives podman --tls-verify=false for it' : 'docker allows it for 127.0.0.1 and localhost';
		const plain = ping.scheme === 'http' && !insecure ? ` (plain HTTP is fine for a registry on this computer: ${local})` : '';
		return {
			id: 'registry',
			status: insecure ? 'warn' : 'pass',
			summary: `${title} answers over ${ping.scheme.toUpperCase()}${ping.auth === 'none' ? ', without login' : `, with ${ping.auth} login`}${plain}.`,
			...(insecure ? {fix: `${engine.name} only talks plain HTTP to ${registry} once you allow it: ${allowHttp}.`} : {}),
		};
	}
	if (ping.reason === 'http-vs-https') {
		return {id: 'registry', status: 'warn', summary: `${title} speaks plain HTTP, not HTTPS.`, fix: `${upperFirst(allowHttp)}.`};
	}
	// The client's message says what happened and what to try; the fix adds where to look.
	const where = isDockerHub(registry)
		? 'Docker Hub needs the internet: check that this computer is online (school Wi-Fi, VPN, proxy).'
		: `Check the address and port with your instructor, that the registry is running, and that you are on the right network (school Wi-Fi, VPN).`;
	return {id: 'registry', status: 'fail', summary: `${title} could not be reached. ${ping.message}`, fix: where};
}

async function diskCheck(engine: Engine, engineWorks: boolean): Promise<DoctorCheck> {
	let dir = os.homedir();
	if (engineWorks && engine.name === 'docker') {
		const info = await runCommand(engineCommand(engine, ['info', '--format', '{{.DockerRootDir}}'], {timeoutMs: 10_000}));
		if (info.exitCode === 0 && info.stdout.trim()) dir = info.stdout.trim();
	}
	let free: number;
	try {
		const stats = await statfs(dir);
		free = stats.bavail * stats.bsize;
	} catch {
		const stats = await statfs(os.homedir());
		dir = os.homedir();
		free = stats.bavail * stats.bsize;
	}
	const gib = (free / 1024 ** 3).toFixed(1);
	const what = dir === os.homedir() ? 'your home folder' : `${dir} (where docker keeps images)`;
	if (free < lowDiskBytes) {
		return {
			id: 'disk',
			status: 'warn',
			summary: `Only ${gib} GiB free in ${what}: pulls and pushes may fail.`,
			fix: `Free some space: \`${engine.name} system prune\` removes stopped containers and unused images.`,
		};
	}
	return {id: 'disk', status: 'pass', summary: `${gib} GiB free in ${what}.`};
}

const upperFirst = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const marks: Record<DoctorStatus, string> = {pass: '✔ pass', warn: '! warn', fail: '✘ FAIL'};

/** One line per check, its fix indented under it, and a last line that says what it adds up to. */
export function doctorText(checks: readonly DoctorCheck[]): string {
	const lines = checks.map(check => `${marks[check.status]}  ${check.summary}${check.fix ? `\n        fix: ${check.fix}` : ''}`);
	const failed = checks.filter(check => check.status === 'fail').length;
	const warned = checks.filter(check => check.status === 'warn').length;
	const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
	const verdict =
		failed > 0
			? `${plural(failed, 'problem')} to fix (marked FAIL)${warned > 0 ? `, and ${plural(warned, 'warning')}` : ''}. ` +
				'Do each fix, then run registry-lab doctor again.'
			: warned > 0
				? `Nothing failed, but read the ${plural(warned, 'warning')} above.`
				: 'Everything is ready for the lesson.';
	return `${lines.join('\n')}\n\n${verdict}`;
}

export async function doctorCommand(argv: readonly string[], out: Out): Promise<number> {
	const {name} = doctorArgs;
	const cli = parseCommandLine(argv, doctorArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) return usageError(name, `unexpected argument '${cli.input[0]}' (the registry goes after --registry).`).exitCode;
	const problem = cli.flags.registry === dockerHubDomain ? null : hostProblem(cli.flags.registry);
	if (problem) return usageError(name, `--registry: ${problem}`).exitCode;
	const checks = await runDoctor(defaultEngine(cli.flags.engine as EngineName), cli.flags.registry);
	const ok = checks.every(check => check.status !== 'fail');
	if (cli.flags.json) out(JSON.stringify({ok, checks}), 'json');
	else out(doctorText(checks));
	return ok ? 0 : 1;
}
