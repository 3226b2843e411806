/** Running the registry:2 image through the engine, when there is no registry program. */
import {spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {engineCommand} from '../../container/commands.js';
import {runCommand, type CommandResult} from '../../run/run-command.js';
import {untrack} from './clean-up.js';
import {canceled, failed, installHint, portInUse, practiceHost, seconds, startedRegistry, trackRun, type Context, type Outcome} from './outcome.js';
import {waitUntilReady} from './readiness.js';

export async function startContainer(context: Context, port: number): Promise<Outcome> {
	const {data, options, engine} = context;
	const image = options.image ?? (engine.name === 'podman' ? 'docker.io/library/registry:2' : 'registry:2');
	const run = (args: readonly string[], timeoutMs: number) => runCommand(engineCommand(engine, args, {timeoutMs}), {signal: options.signal});

	const present = await run(['image', 'inspect', '--format', '{{.Id}}', image], 30_000);
	const noProgram = options.how === 'container' ? '' : 'There is no registry program on this computer, and ';
	if (present.spawnError) return failed(`${noProgram}${engine.bin} could not be run (${present.spawnError}) to start the ${image} image.`, installHint);
	if (present.canceled) return {kind: 'failed', failure: canceled()};
	if (present.exitCode !== 0) {
		const pulled = await run(['pull', image], 300_000);
		if (pulled.canceled) return {kind: 'failed', failure: canceled()};
		if (pulled.exitCode !== 0) {
			return failed(`${noProgram}the ${image} image is not here and could not be pulled.`.replace(/^the/, 'The'), installHint, output(pulled));
		}
	}

	const host = practiceHost(port);
	const envFile = path.join(data.dir, 'container.env');
	await writeFile(
		envFile,
		[
			'REGISTRY_AUTH=htpasswd',
			`REGISTRY_AUTH_HTPASSWD_REALM=${data.realm}`,
			'REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd',
			'REGISTRY_STORAGE_DELETE_ENABLED=true',
			`REGISTRY_HTTP_SECRET=${data.secret}`,
			'REGISTRY_LOG_LEVEL=error',
			'REGISTRY_LOG_ACCESSLOG_DISABLED=true',
			'',
		].join('\n'),
		{mode: 0o600},
	);
	const name = `registry-lab-practice-${port}-${randomBytes(3).toString('hex')}`;
	// Storage is bound to dataDir only when it is kept: files the container writes may belong to its root.
	const storage = options.keepData ? ['-v', `${data.storage}:/var/lib/registry`] : [];
	const started = await run(
		[
			'run',
			'-d',
			'--name',
			name,
			'--label',
			'registry-lab.practice=true',
			'-p',
			`${host}:5000`,
			'-v',
			`${data.auth}:/auth:ro`,
			...storage,
			'--env-file',
			envFile,
			image,
		],
		60_000,
	);
	const removeContainer = (id: string) => run(['rm', '--force', '--volumes', id], 30_000);
	if (started.exitCode !== 0) {
		await removeContainer(name);
		if (started.canceled) return {kind: 'failed', failure: canceled()};
		if (portInUse.test(started.stderr)) return {kind: 'port-taken', log: output(started)};
		return failed(
			`${engine.bin} could not start the ${image} image.`,
			`Read what ${engine.bin} said below; \`${engine.bin} ps -a\` shows the containers there are.`,
			output(started),
		);
	}
	const id = started.stdout.trim().split('\n').pop() ?? name;

	const killSync = () => {
		if (removed) return;
		spawnSync(engine.bin, [...(engine.globalArgs ?? []), 'rm', '--force', '--volumes', id], {
			env: {...process.env, ...engine.env},
			stdio: 'ignore',
			timeout: 15_000,
		});
	};
	const entry = trackRun(context, host, killSync);
	context.record.started({host, containerId: id, engine});
	let removed = false;
	const kill = async () => {
		await removeContainer(id);
		removed = true;
	};

	let lastLook = 0;
	let state = '';
	const ready = await waitUntilReady(host, context, async () => {
		if (performance.now() - lastLook < 1000) return undefined;
		lastLook = performance.now();
		const inspected = await run(['inspect', '--format', '{{.State.Status}}', id], 15_000);
		state = inspected.stdout.trim();
		return ['exited', 'dead', 'removing'].includes(state) ? {stopped: `stopped right after starting (${state})`} : undefined;
	});
	if (ready.kind !== 'ready') {
		const logs = await run(['logs', '--tail', '50', id], 15_000);
		await kill();
		untrack(entry);
		if (ready.kind === 'canceled') return {kind: 'failed', failure: canceled()};
		const message =
			ready.kind === 'timeout'
				? `The practice registry container (${image}) did not answer on http://${host}/v2/ within ${seconds(context.timeoutMs)}.`
				: `The practice registry container (${image}) ${ready.why}.`;
		return failed(message, `Its log is below; \`${engine.bin} logs\` of a container started the same way shows the same.`, output(logs));
	}

	return startedRegistry(context, {host, how: 'container', program: id, kill, entry});
}

function output(result: CommandResult): string {
	return [result.stdout, result.stderr].filter(text => text.trim().length > 0).join('\n');
}
