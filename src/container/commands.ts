import {isLoopbackHost} from '../registry/address.js';
import type {CommandSpec} from '../run/run-command.js';
import type {Engine} from './engine.js';

/** The CommandSpec for one engine subcommand: the engine's own program, its global flags, its environment. */
export function engineCommand(engine: Engine, args: readonly string[], options: {stdin?: string; timeoutMs?: number} = {}): CommandSpec {
	return {
		file: engine.bin,
		args: [...(engine.globalArgs ?? []), ...args],
		env: engine.env,
		...(options.stdin === undefined ? {} : {stdin: options.stdin}),
		...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
	};
}

export const loginArgs = (registry: string | null, username: string): string[] => [
	'login',
	...(registry ? [registry] : []),
	'--username',
	username,
	'--password-stdin',
];
export const pushArgs = (reference: string): string[] => ['push', reference];
export const inspectIdArgs = (reference: string): string[] => ['image', 'inspect', '--format', '{{.Id}}', reference];
export const listImagesArgs = (): string[] => ['images', '--format', '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}'];
/** An import with labels (`--change 'LABEL key=value'`, which docker and podman both take): the values must be plain words. */
export const importArgs = (file: string, reference: string, labels: Readonly<Record<string, string>> = {}): string[] => [
	'import',
	'--message',
	'registry-lab starter image',
	...Object.entries(labels).flatMap(([key, value]) => ['--change', `LABEL ${key}=${value}`]),
	file,
	reference,
];
/** The image id and its labels as JSON, on one line: `sha256:… {"io.registry-lab.author":"bob"}` (`null` for no labels). */
export const inspectLabelsArgs = (reference: string): string[] => ['image', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', reference];

/**
 * The arguments as this engine needs them. Docker talks plain HTTP to a loopback
 * registry by itself; podman needs --tls-verify=false for it (login, push, pull).
 */
export function argsForEngine(engine: Engine, args: readonly string[], registry: string): string[] {
	const [subcommand, ...rest] = args;
	if (engine.name !== 'podman' || !subcommand || !['login', 'push', 'pull'].includes(subcommand) || !isLoopbackHost(registry)) return [...args];
	const touchesRegistry = subcommand === 'login' ? rest.includes(registry) : rest.some(arg => arg.startsWith(`${registry}/`));
	return touchesRegistry ? [subcommand, '--tls-verify=false', ...rest] : [...args];
}
