import {readFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {dockerHubDomain, hostOf, registryName, registryTitle, type HubSpellings} from '../registry/address.js';
import type {RegistryCredentials} from '../registry/registry-auth.js';
import {runCommand, type CommandResult} from '../run/run-command.js';
import {engineCommand} from './commands.js';
import type {Engine} from './engine.js';

/** Where the engine keeps a login: in its config file, or in a credential helper program. */
export type CredentialStore = {readonly kind: 'file'} | {readonly kind: 'helper'; readonly helper: string; readonly program: string};

export type LoginState =
	| {readonly loggedIn: true; readonly registry: string; readonly username: string | null; readonly store: CredentialStore; readonly configPath: string}
	| {readonly loggedIn: false; readonly registry: string; readonly configPath: string; readonly reason: string; readonly helperProblem?: string};

export type LoginSummary = {
	configPath: string;
	configExists: boolean;
	/** docker's "credsStore" (podman has none). */
	credsStore: string | null;
	credHelpers: Readonly<Record<string, string>>;
	registries: readonly {registry: string; username: string | null; store: CredentialStore}[];
	helperProblems: readonly string[];
	/** Set when the config file exists but cannot be read or is not valid JSON. */
	configProblem: string | null;
};

/** The key Docker Hub's logins are kept under in docker's config.json. */
const hubKey = 'https://index.docker.io/v1/';
/** Keys of a login file name hosts, so case does not count. */
const dockerKeys: HubSpellings = {ignoreCase: true};
/** Podman (containers/image) also treats registry-1.docker.io as Docker Hub. */
const podmanKeys: HubSpellings = {ignoreCase: true, server: true};
const helperTimeoutMs = 10_000;

// ---------------------------------------------------------------- paths and keys

export function configKeyFor(registry: string): string {
	const trimmed = registry.trim();
	if (trimmed === hubKey) return hubKey;
	const name = registryName(trimmed, dockerKeys);
	return name === dockerHubDomain ? hubKey : name;
}

function homeDir(env: Engine['env'], platform: NodeJS.Platform): string {
	const home = platform === 'win32' ? (env.USERPROFILE ?? env.HOME) : env.HOME;
	return home && home.length > 0 ? home : os.homedir();
}

export function dockerConfigPath(env: Engine['env'], platform: NodeJS.Platform = process.platform): string {
	const dir = env.DOCKER_CONFIG;
	if (dir && dir.length > 0) return path.join(dir, 'config.json');
	return path.join(homeDir(env, platform), '.docker', 'config.json');
}

export function podmanAuthPath(env: Engine['env'], platform: NodeJS.Platform = process.platform): string {
	const file = env.REGISTRY_AUTH_FILE;
	if (file && file.length > 0) return file;
	if (platform === 'darwin' || platform === 'win32') return path.join(homeDir(env, platform), '.config', 'containers', 'auth.json');
	const runtimeDir = env.XDG_RUNTIME_DIR;
	if (runtimeDir && runtimeDir.length > 0) return path.join(runtimeDir, 'containers', 'auth.json');
	// What podman uses when XDG_RUNTIME_DIR is not set (root, or a login without a systemd session).
	return `/run/containers/${process.getuid?.() ?? 0}/auth.json`;
}

/** Every file podman reads logins from, in the order it reads them (the first with a login wins). */
function podmanAuthPaths(env: Engine['env'], platform: NodeJS.Platform = process.platform): string[] {
	const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : path.join(homeDir(env, platform), '.config');
	const paths = [podmanAuthPath(env, platform), path.join(configHome, 'containers', 'auth.json'), dockerConfigPath(env, platform)];
	return [...new Set(paths)];
}

// ---------------------------------------------------------------- reading config files

type AuthEntry = {readonly auth?: string; readonly identitytoken?: string};
type ConfigData = {
	readonly auths: Readonly<Record<string, AuthEntry>>;
	readonly credsStore: string | null;
	readonly credHelpers: Readonly<Record<string, string>>;
};
type ConfigRead =
	| {readonly kind: 'missing'; readonly path: string}
	| {readonly kind: 'broken'; readonly path: string; readonly reason: string}
	| {readonly kind: 'ok'; readonly path: string; readonly data: ConfigData};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

async function readConfig(file: string, emptyIsFine: boolean): Promise<ConfigRead> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return {kind: 'missing', path: file};
		const why =
			code === 'EACCES' || code === 'EPERM'
				? 'you do not have permission to read it'
				: code === 'EISDIR'
					? 'it is a folder, not a file'
					: (error as Error).message;
		return {kind: 'broken', path: file, reason: `${file} could not be read: ${why}.`};
	}
	const fixIt = 'Fix the file (or move it away), then log in again.';
	if (text.trim() === '') {
		if (emptyIsFine) return {kind: 'ok', path: file, data: {auths: {}, credsStore: null, credHelpers: {}}};
		return {kind: 'broken', path: file, reason: `${file} is empty, which is not valid JSON. ${fixIt}`};
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch (error) {
		const reason = `${file} is not valid JSON (${(error as Error).message}), so the saved logins in it cannot be read. ${fixIt}`;
		return {kind: 'broken', path: file, reason};
	}
	const wrong = (what: string): ConfigRead => ({
		kind: 'broken',
		path: file,
		reason: `${file} is valid JSON but ${what}, so the saved logins in it cannot be read. ${fixIt}`,
	});
	if (!isRecord(parsed)) return wrong('it is not a JSON object ({...})');
	const {auths = {}, credsStore = null, credHelpers = {}} = parsed;
	if (auths !== null && !isRecord(auths)) return wrong('its "auths" is not an object');
	if (credsStore !== null && typeof credsStore !== 'string') return wrong('its "credsStore" is not a string');
	if (credHelpers !== null && !isRecord(credHelpers)) return wrong('its "credHelpers" is not an object');
	const entries: Record<string, AuthEntry> = {};
	for (const [key, value] of Object.entries(auths ?? {})) {
		if (value === null) continue;
		if (!isRecord(value)) return wrong(`its entry for "${key}" in "auths" is not an object`);
		entries[key] = {
			...(typeof value.auth === 'string' && value.auth !== '' ? {auth: value.auth} : {}),
			...(typeof value.identitytoken === 'string' && value.identitytoken !== '' ? {identitytoken: value.identitytoken} : {}),
		};
	}
	const helpers: Record<string, string> = {};
	for (const [key, value] of Object.entries(credHelpers ?? {})) {
		if (typeof value !== 'string') return wrong(`its "credHelpers" entry for "${key}" is not a string`);
		if (value !== '') helpers[key] = value;
	}
	return {kind: 'ok', path: file, data: {auths: entries, credsStore: credsStore === '' ? null : credsStore, credHelpers: helpers}};
}

type DecodedAuth = {readonly ok: true; readonly username: string; readonly password: string} | {readonly ok: false};

/** Base64 `user:password`, as docker writes it. Callers keep the password only where they must. */
function decodeAuth(auth: string): DecodedAuth {
	if (!/^[A-Za-z\d+/]*={0,2}$/.test(auth.trim())) return {ok: false};
	const text = Buffer.from(auth.trim(), 'base64').toString('utf8');
	const colon = text.indexOf(':');
	if (colon <= 0) return {ok: false};
	return {ok: true, username: text.slice(0, colon), password: text.slice(colon + 1).replace(/^\0+|\0+$/g, '')};
}

// ---------------------------------------------------------------- which store holds a registry's login

type Flavour = 'docker' | 'podman';

type Lookup =
	| {readonly kind: 'broken'; readonly path: string; readonly reason: string}
	| {readonly kind: 'helper'; readonly path: string; readonly helper: string; readonly setting: 'credHelpers' | 'credsStore'}
	| {readonly kind: 'file'; readonly path: string; readonly username: string | null; readonly password: string | null}
	| {readonly kind: 'damaged'; readonly path: string; readonly key: string}
	| {readonly kind: 'none'; readonly path: string; readonly fileExists: boolean; readonly emptyEntry: boolean};

/** docker matches a key exactly, else (not for Docker Hub) any key whose host part is the same. */
function findDockerEntry(auths: ConfigData['auths'], key: string): [string, AuthEntry] | null {
	const exact = auths[key];
	if (exact) return [key, exact];
	if (key === hubKey) return null;
	for (const [other, entry] of Object.entries(auths)) if (hostOf(other) === key) return [other, entry];
	return null;
}

/** podman matches a key exactly, else after normalising hosts (every Docker Hub spelling is one). */
function findPodmanEntry(auths: ConfigData['auths'], name: string): [string, AuthEntry] | null {
	const exact = auths[name];
	if (exact) return [name, exact];
	const wanted = registryName(name, podmanKeys);
	for (const [other, entry] of Object.entries(auths)) if (registryName(other, podmanKeys) === wanted) return [other, entry];
	return null;
}

function fileLogin(found: [string, AuthEntry], file: string): Lookup {
	const [key, entry] = found;
	if (entry.auth) {
		const decoded = decodeAuth(entry.auth);
		if (!decoded.ok) return {kind: 'damaged', path: file, key};
		return {kind: 'file', path: file, username: decoded.username, password: decoded.password};
	}
	if (entry.identitytoken) return {kind: 'file', path: file, username: null, password: null};
	return {kind: 'none', path: file, fileExists: true, emptyEntry: true};
}

/** Where the engine would take this registry's login from, reading files only (no program is run). */
async function lookUp(flavour: Flavour, env: Engine['env'], registry: string): Promise<Lookup> {
	if (flavour === 'docker') {
		const key = configKeyFor(registry);
		const read = await readConfig(dockerConfigPath(env), true);
		if (read.kind === 'missing') return {kind: 'none', path: read.path, fileExists: false, emptyEntry: false};
		if (read.kind === 'broken') return read;
		const {data} = read;
		const helper = data.credHelpers[key];
		if (helper) return {kind: 'helper', path: read.path, helper, setting: 'credHelpers'};
		if (data.credsStore) return {kind: 'helper', path: read.path, helper: data.credsStore, setting: 'credsStore'};
		const found = findDockerEntry(data.auths, key);
		return found ? fileLogin(found, read.path) : {kind: 'none', path: read.path, fileExists: true, emptyEntry: false};
	}
	const name = registryName(registry, podmanKeys);
	const files = podmanAuthPaths(env);
	let anyExists = false;
	let emptyEntry = false;
	for (const file of files) {
		const read = await readConfig(file, false);
		if (read.kind === 'missing') continue;
		anyExists = true;
		if (read.kind === 'broken') return read;
		// podman ignores docker's "credsStore", but honours "credHelpers" in any of its files.
		const helper = read.data.credHelpers[name] ?? (name === dockerHubDomain ? read.data.credHelpers[hubKey] : undefined);
		if (helper) return {kind: 'helper', path: file, helper, setting: 'credHelpers'};
		const found = findPodmanEntry(read.data.auths, name);
		if (!found) continue;
		const login = fileLogin(found, file);
		if (login.kind === 'none') {
			emptyEntry = true;
			continue;
		}
		return login;
	}
	return {kind: 'none', path: files[0] ?? podmanAuthPath(env), fileExists: anyExists, emptyEntry};
}

// ---------------------------------------------------------------- credential helpers (only ever `list`)

type HelperList =
	{readonly ok: true; readonly logins: Readonly<Record<string, string>>} | {readonly ok: false; readonly problem: string; readonly canceled: boolean};

const engineTitle = (flavour: Flavour): string => (flavour === 'docker' ? 'Docker' : 'Podman');

function describeHelperFailure(flavour: Flavour, helper: string, result: CommandResult): string {
	const program = `docker-credential-${helper}`;
	const intro = `${engineTitle(flavour)} is set to keep passwords in '${helper}' (${program}), but`;
	if (result.spawnError === 'ENOENT') return `${intro} that program is not installed: ${program} was not found on the PATH.`;
	if (result.spawnError === 'EACCES') return `${intro} that program cannot be run: permission denied for ${program}.`;
	if (result.spawnError) return `${intro} that program could not be started: ${result.spawnError}.`;
	if (result.timedOut) {
		return `${intro} that program did not answer within ${helperTimeoutMs / 1000} seconds (it may be waiting for a keychain or password prompt).`;
	}
	const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(0, 3).join(' ').slice(0, 300);
	return `${intro} that program failed when asked which logins it keeps${said ? `: ${said}` : ` (exit code ${result.exitCode ?? 'none'})`}.`;
}

/** Run `docker-credential-NAME list`: registry address -> username, never a secret. */
async function listHelper(flavour: Flavour, env: Engine['env'], helper: string, signal?: AbortSignal): Promise<HelperList> {
	const program = `docker-credential-${helper}`;
	const result = await runCommand({file: program, args: ['list'], stdin: 'unused', env, timeoutMs: helperTimeoutMs}, signal ? {signal} : {});
	if (result.canceled) return {ok: false, problem: 'The check was stopped before it finished.', canceled: true};
	if (result.exitCode !== 0 || result.spawnError) return {ok: false, problem: describeHelperFailure(flavour, helper, result), canceled: false};
	let parsed: unknown;
	try {
		parsed = JSON.parse(result.stdout.trim() || '{}');
	} catch {
		parsed = undefined;
	}
	if (!isRecord(parsed)) {
		return {
			ok: false,
			problem:
				`${engineTitle(flavour)} is set to keep passwords in '${helper}' (${program}), ` +
				'but that program gave an answer that is not a list of logins.',
			canceled: false,
		};
	}
	const logins: Record<string, string> = {};
	for (const [address, username] of Object.entries(parsed)) if (typeof username === 'string') logins[address] = username;
	return {ok: true, logins};
}

/** The helper's entry for a registry: the exact key first, else the same host (Docker Hub: any of its spellings). */
function helperEntry(logins: Readonly<Record<string, string>>, registry: string): string | undefined {
	const key = configKeyFor(registry);
	if (logins[key] !== undefined) return logins[key];
	const wanted = registryName(key === hubKey ? dockerHubDomain : key, dockerKeys);
	for (const [address, username] of Object.entries(logins)) if (registryName(address, dockerKeys) === wanted) return username;
	return undefined;
}

/** A helper keeps '<token>' as the username of a login made with a token (Docker Desktop's sign-in). */
const shownUsername = (username: string): string | null => (username === '<token>' || username === '' ? null : username);

const helperStore = (helper: string): CredentialStore => ({kind: 'helper', helper, program: `docker-credential-${helper}`});

// ---------------------------------------------------------------- public API

function title(registry: string): string {
	return registryTitle(registryName(registry, dockerKeys));
}

/** The login state as the engine's files (and, for a helper, its `list`) tell it; `fileProblem` when the files or the helper are the trouble. */
async function loginFromFiles(engine: Engine, flavour: Flavour, registry: string, signal?: AbortSignal): Promise<{state: LoginState; fileProblem: boolean}> {
	const found = await lookUp(flavour, engine.env, registry);
	const state = await describeLookup(engine, flavour, registry, found, signal);
	return {state, fileProblem: found.kind === 'broken' || found.kind === 'damaged' || (!state.loggedIn && state.helperProblem !== undefined)};
}

async function describeLookup(engine: Engine, flavour: Flavour, registry: string, found: Lookup, signal?: AbortSignal): Promise<LoginState> {
	const name = registryName(registry, dockerKeys);
	const where = title(registry);
	const engineName = engineTitle(flavour);
	switch (found.kind) {
		case 'broken':
			return {loggedIn: false, registry: name, configPath: found.path, reason: found.reason};
		case 'damaged':
			return {
				loggedIn: false,
				registry: name,
				configPath: found.path,
				reason:
					`The saved login for ${where} in ${found.path} is damaged (its "auth" value is not a base64 "user:password"). ` +
					'Log in again to replace it.',
			};
		case 'file':
			return {loggedIn: true, registry: name, username: found.username, store: {kind: 'file'}, configPath: found.path};
		case 'none': {
			const reason = !found.fileExists
				? `${engineName} has no saved logins yet: ${found.path} does not exist (logging in creates it).`
				: found.emptyEntry
					? `${found.path} mentions ${where} but holds no password for it, so ${engineName} is not logged in there ` +
						'(you logged out, or the login was kept by a password program that is no longer set up).'
					: `${engineName} has no saved login for ${where} (logins are kept in ${found.path}).`;
			return {loggedIn: false, registry: name, configPath: found.path, reason};
		}
		case 'helper': {
			const listed = await listHelper(flavour, engine.env, found.helper, signal);
			if (!listed.ok) {
				if (listed.canceled) return {loggedIn: false, registry: name, configPath: found.path, reason: listed.problem};
				const setting = found.setting === 'credsStore' ? '"credsStore"' : `"credHelpers" for ${configKeyFor(registry)}`;
				return {
					loggedIn: false,
					registry: name,
					configPath: found.path,
					reason:
						`${engineName} could not find out whether you are logged in to ${where}: ` +
						`the password program set by ${setting} in ${found.path} did not work.`,
					helperProblem: listed.problem,
				};
			}
			const username = helperEntry(listed.logins, registry);
			if (username === undefined) {
				return {
					loggedIn: false,
					registry: name,
					configPath: found.path,
					reason:
						`${engineName} has no saved login for ${where}: ` +
						`docker-credential-${found.helper}, the program that keeps its passwords, holds none for it.`,
				};
			}
			return {loggedIn: true, registry: name, username: shownUsername(username), store: helperStore(found.helper), configPath: found.path};
		}
	}
}

/** `timeoutMs`: how long podman's `login --get-login` may take (a check passes its own time limit); default 15 s. */
export async function readLoginState(engine: Engine, registry: string, options: {signal?: AbortSignal; timeoutMs?: number} = {}): Promise<LoginState> {
	const {signal} = options;
	if (engine.name === 'docker') return (await loginFromFiles(engine, 'docker', registry, signal)).state;

	// podman answers for itself (`login --get-login`); the files tell us where the login is kept.
	const {state: fromFiles, fileProblem} = await loginFromFiles(engine, 'podman', registry, signal);
	const name = registryName(registry, podmanKeys);
	const asked = await runCommand(engineCommand(engine, ['login', '--get-login', name], {timeoutMs: options.timeoutMs ?? 15_000}), signal ? {signal} : {});
	if (asked.canceled) return {loggedIn: false, registry: name, configPath: fromFiles.configPath, reason: 'The check was stopped before it finished.'};
	// podman could not be run: the files are the best answer there is.
	if (asked.spawnError || asked.timedOut || asked.exitCode === null) return fromFiles;
	if (asked.exitCode === 0) {
		const username = asked.stdout.trim().split('\n').pop()?.trim() ?? '';
		return {
			loggedIn: true,
			registry: name,
			username: username === '' ? null : username,
			store: fromFiles.loggedIn ? fromFiles.store : {kind: 'file'},
			configPath: fromFiles.configPath,
		};
	}
	const said = asked.stderr.trim().replace(/^Error:\s*/i, '');
	if (/not logged in/i.test(said)) {
		if (!fromFiles.loggedIn) return fromFiles;
		return {loggedIn: false, registry: name, configPath: fromFiles.configPath, reason: `Podman has no saved login for ${title(registry)}.`};
	}
	// Our own words for a broken file or helper are plainer than podman's.
	if (!fromFiles.loggedIn && fileProblem) return fromFiles;
	return {
		loggedIn: false,
		registry: name,
		configPath: fromFiles.configPath,
		reason: `Podman could not read its saved logins: ${said || `it stopped with exit code ${asked.exitCode}`}`,
		...(/docker-credential-/.test(said) ? {helperProblem: said} : {}),
	};
}

export async function readStoredCredentials(engine: Engine, registry: string): Promise<RegistryCredentials | null> {
	const found = await lookUp(engine.name, engine.env, registry);
	if (found.kind !== 'file' || found.username === null || found.password === null) return null;
	return {username: found.username, password: found.password};
}

export async function listLogins(engine: Engine): Promise<LoginSummary> {
	const flavour: Flavour = engine.name;
	const files = flavour === 'docker' ? [dockerConfigPath(engine.env)] : podmanAuthPaths(engine.env);
	const configPath = files[0] ?? dockerConfigPath(engine.env);
	const reads = await Promise.all(files.map(async file => readConfig(file, flavour === 'docker')));
	const primary = reads[0];
	const configExists = primary !== undefined && primary.kind !== 'missing';
	const configProblem = reads.find(read => read.kind === 'broken')?.reason ?? null;
	const usable = reads.flatMap(read => (read.kind === 'ok' ? [read.data] : []));
	const credsStore = flavour === 'docker' ? (usable[0]?.credsStore ?? null) : null;

	// For podman the first file that names a registry wins, as it does when podman looks one up.
	const credHelpers: Record<string, string> = {};
	for (const data of [...usable].reverse()) Object.assign(credHelpers, data.credHelpers);

	const helpers = [...new Set([...(credsStore ? [credsStore] : []), ...Object.values(credHelpers)])];
	const lists = new Map(await Promise.all(helpers.map(async helper => [helper, await listHelper(flavour, engine.env, helper)] as const)));
	const helperProblems = [...lists.values()].flatMap(list => (list.ok ? [] : [list.problem]));

	const registries = new Map<string, {registry: string; username: string | null; store: CredentialStore}>();
	const helperHosts = new Set(Object.keys(credHelpers).map(key => registryName(key, flavour === 'podman' ? podmanKeys : dockerKeys)));
	for (const [key, helper] of Object.entries(credHelpers)) {
		const list = lists.get(helper);
		const username = list?.ok ? helperEntry(list.logins, key) : undefined;
		const registry = registryName(key, dockerKeys);
		if (username !== undefined && !registries.has(registry)) {
			registries.set(registry, {registry, username: shownUsername(username), store: helperStore(helper)});
		}
	}
	const storeList = credsStore ? lists.get(credsStore) : undefined;
	if (credsStore && storeList?.ok) {
		for (const [address, username] of Object.entries(storeList.logins)) {
			const registry = registryName(address, dockerKeys);
			if (helperHosts.has(registry) || registries.has(registry)) continue;
			registries.set(registry, {registry, username: shownUsername(username), store: helperStore(credsStore)});
		}
	}
	if (!credsStore) {
		for (const data of usable) {
			for (const [key, entry] of Object.entries(data.auths)) {
				const registry = registryName(key, flavour === 'podman' ? podmanKeys : dockerKeys);
				if (helperHosts.has(registry) || registries.has(registry)) continue;
				let username: string | null;
				if (entry.auth) {
					const decoded = decodeAuth(entry.auth);
					if (!decoded.ok) continue;
					username = decoded.username;
				} else if (entry.identitytoken) username = null;
				else continue;
				registries.set(registry, {registry, username, store: {kind: 'file'}});
			}
			if (flavour === 'docker') break;
		}
	}

	return {configPath, configExists, credsStore, credHelpers, registries: [...registries.values()], helperProblems, configProblem};
}
