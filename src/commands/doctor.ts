import {statfs} from 'node:fs/promises';
import os from 'node:os';
import meow from 'meow';
import {engineCommand} from '../container/commands.js';
import {defaultEngine, type Engine, type EngineName} from '../container/engine.js';
import {listLogins} from '../container/login-state.js';
import {preflight} from '../container/preflight.js';
import {isDockerHub} from '../container/reference.js';
import {createRegistryClient, isLoopbackHost} from '../registry/registry-client.js';
import {runCommand} from '../run/run-command.js';
import {hostProblem} from '../ui/lab-vars.js';

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

  Exit codes
    0  nothing failed (warnings allowed)     1  something failed     2  bad usage
`;

export type DoctorStatus = 'pass' | 'warn' | 'fail';
export type DoctorCheck = {readonly id: string; readonly status: DoctorStatus; readonly summary: string; readonly fix?: string};

/** Free space below which pushing and pulling starts to fail. */
const lowDiskBytes = 2 * 1024 ** 3;

export async function runDoctor(engine: Engine, registry: string): Promise<DoctorCheck[]> {
	const checks: DoctorCheck[] = [];
	const flight = await preflight(engine);
	for (const item of flight.items) {
		const version = item.id === 'engine-cli' && flight.clientVersion ? ` (version ${flight.clientVersion})` : item.id === 'daemon' && flight.serverVersion ? ` (server ${flight.serverVersion})` : '';
		checks.push({
			id: item.id,
			status: item.ok ? 'pass' : 'fail',
			summary: `${item.summary}${item.ok ? version : ''}`,
			...(item.ok || !item.diagnosis ? {} : {fix: item.diagnosis.hint}),
		});
	}

	const logins = await listLogins(engine);
	const where = logins.credsStore ? `the '${logins.credsStore}' credential store (docker-credential-${logins.credsStore})` : logins.configExists ? logins.configPath : `${logins.configPath} (not created yet)`;
	const names = logins.registries.map(entry => `${isDockerHub(entry.registry) ? 'Docker Hub' : entry.registry}${entry.username ? ` as ${entry.username}` : ''}`);
	checks.push({id: 'logins', status: 'pass', summary: `Logins are kept in ${where}: ${names.length > 0 ? names.join(', ') : 'none yet'}.`});
	for (const [host, helper] of Object.entries(logins.credHelpers)) checks.push({id: 'cred-helper', status: 'pass', summary: `${host} uses docker-credential-${helper}.`});
	if (logins.configProblem) checks.push({id: 'logins', status: 'fail', summary: logins.configProblem, fix: `Fix or remove ${logins.configPath}; docker cannot use logins it cannot read.`});
	for (const problem of logins.helperProblems) {
		checks.push({id: 'cred-helper', status: 'fail', summary: problem, fix: 'Install the helper program, or remove "credsStore"/"credHelpers" from the config file so docker stores logins in the file.'});
	}

	checks.push(await registryCheck(registry));
	checks.push(await diskCheck(engine, flight.ok));
	return checks;
}

async function registryCheck(registry: string): Promise<DoctorCheck> {
	const title = isDockerHub(registry) ? 'Docker Hub' : registry;
	const ping = await createRegistryClient({registry, timeoutMs: 8000}).ping();
	if (ping.ok) {
		const insecure = ping.scheme === 'http' && !isLoopbackHost(registry);
		return {
			id: 'registry',
			status: insecure ? 'warn' : 'pass',
			summary: `${title} answers over ${ping.scheme.toUpperCase()}${ping.auth === 'none' ? ', without login' : `, with ${ping.auth} login`}.`,
			...(insecure ? {fix: `docker only talks plain HTTP to ${registry} if it is listed in "insecure-registries" (/etc/docker/daemon.json, or Docker Desktop's Docker Engine settings).`} : {}),
		};
	}
	if (ping.reason === 'http-vs-https') {
		return {id: 'registry', status: 'warn', summary: `${title} speaks plain HTTP, not HTTPS.`, fix: `Add "${registry}" to "insecure-registries" in /etc/docker/daemon.json (or Docker Desktop's settings) and restart docker.`};
	}
	return {id: 'registry', status: 'fail', summary: `${title} could not be reached: ${ping.message}`, fix: 'Check the address and port, and that you are on the right network (school Wi-Fi, VPN).'};
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
	if (free < lowDiskBytes) return {id: 'disk', status: 'warn', summary: `Only ${gib} GiB free at ${dir}.`, fix: `Free some space: \`${engine.name} system prune\` removes stopped containers and unused images.`};
	return {id: 'disk', status: 'pass', summary: `${gib} GiB free at ${dir}.`};
}

const marks: Record<DoctorStatus, string> = {pass: '✔ pass', warn: '! warn', fail: '✘ FAIL'};

export async function doctorCommand(argv: readonly string[], out: (text: string) => void): Promise<number> {
	const cli = meow(doctorHelp, {
		importMeta: import.meta,
		argv: [...argv],
		allowUnknownFlags: false,
		flags: {json: {type: 'boolean', default: false}, registry: {type: 'string', default: 'docker.io'}, engine: {type: 'string', default: 'docker', choices: ['docker', 'podman']}},
	});
	if (cli.input.length > 0) {
		out(`registry-lab doctor: unexpected argument '${cli.input[0]}'.\n${doctorHelp}`);
		return 2;
	}
	const problem = cli.flags.registry === 'docker.io' ? null : hostProblem(cli.flags.registry);
	if (problem) {
		out(`registry-lab doctor: --registry: ${problem}`);
		return 2;
	}
	const checks = await runDoctor(defaultEngine(cli.flags.engine as EngineName), cli.flags.registry);
	const ok = checks.every(check => check.status !== 'fail');
	if (cli.flags.json) out(JSON.stringify({ok, checks}));
	else out(checks.map(check => `${marks[check.status]}  ${check.summary}${check.fix ? `\n         fix: ${check.fix}` : ''}`).join('\n'));
	return ok ? 0 : 1;
}
