import {connect} from 'node:net';
import {startPracticeRegistry, type PracticeRegistry} from '../../src/registry/practice-registry.js';
import {runCommand} from '../../src/run/run-command.js';
import {makeTestImage, removeImage, tempDockerConfig, uniqueName} from './engine.js';

/** A real practice registry with these accounts; throws with the registry's own words when it cannot start. */
export async function startTestRegistry(accounts: {username: string; password: string}[]): Promise<PracticeRegistry> {
	const started = await startPracticeRegistry({accounts});
	if (!started.ok) throw new Error([started.message, started.hint, started.log].filter(Boolean).join('\n'));
	return started;
}

/** `docker login HOST` with the password on stdin, into the login store that `env` points at. */
export async function dockerLogin(env: Readonly<Record<string, string | undefined>>, host: string, username: string, password: string): Promise<void> {
	const login = await runCommand({
		file: 'docker',
		args: ['login', host, '--username', username, '--password-stdin'],
		stdin: password,
		env,
		timeoutMs: 60_000,
	});
	if (login.exitCode !== 0) throw new Error(`docker login ${host} as ${username} failed: ${login.spawnError ?? login.stderr}`);
}

/** Whether something listens on host:port (a registry that should be stopped is not). */
export function portOpen(host: string): Promise<boolean> {
	const [hostname, port] = host.split(':');
	return new Promise(resolve => {
		const socket = connect({host: hostname, port: Number(port)});
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * A classmate pushes an image first, from a login store of their own, and the local copy is
 * removed, so a student's pull really fetches it. Returns the image's name.
 */
export async function pushAsClassmate(host: string, account: {username: string; password: string}, prefix: string): Promise<string> {
	const config = await tempDockerConfig();
	try {
		const reference = `${host}/${account.username}/${uniqueName(prefix)}:1.0`;
		await makeTestImage(reference);
		await dockerLogin(config.env, host, account.username, account.password);
		const pushed = await runCommand({file: 'docker', args: ['push', reference], env: config.env, timeoutMs: 120_000});
		if (pushed.exitCode !== 0) throw new Error(`docker push ${reference} as ${account.username} failed: ${pushed.spawnError ?? pushed.stderr}`);
		await removeImage(reference);
		return reference;
	} finally {
		await config.cleanup();
	}
}
