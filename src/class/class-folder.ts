/**
 * Making and changing a class folder: the accounts (htpasswd, accounts.csv), the sheet to hand out
 * (accounts.md), registry.yml and class.json. Every change is written to temp files first and only then
 * renamed over the old ones, so a failure half-way leaves the folder as it was. Passwords go into the
 * folder's files (private), never into what a command prints, except `class password`'s one new password.
 */
import {randomBytes, randomInt} from 'node:crypto';
import {chmod, mkdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {generatePassword, generatedPasswordCost, htpasswdLine, passwordAlphabet} from '../registry/htpasswd.js';
import {defaultLessonId} from '../lesson/find.js';
import {createRegistryClient} from '../registry/registry-client.js';
import {accountsCsv, classPath, joinLine, readAccounts, readClassConfig, type Account} from './class-config-file.js';
import {hostPort, localHost, registryConfigText} from './class-processes.js';
import {readClassCa} from './class-scan.js';
import {classFiles, instructorAccount, type ClassConfig, type ClassKind} from './class-types.js';
import {nameProblem, readRoster} from './roster.js';

/** What a class command did (lines to print), or why it changed nothing (problems; exit 1). */
export type Outcome =
	| {readonly ok: true; readonly lines: readonly string[]; readonly warnings: readonly string[]}
	/** `partly`: said instead of "nothing was changed" when part of the work was done. */
	| {readonly ok: false; readonly problems: readonly string[]; readonly partly?: string};

const refused = (...problems: string[]): Outcome => ({ok: false, problems});

/** A class runs the first bundled lesson unless `class init --lesson` names another (find.ts, defaultLessonId). */
export const classDefaults = {bind: '0.0.0.0', port: 5000, listenerPort: 5001} as const;

export type InitOptions = {
	readonly dir: string;
	readonly roster: string;
	readonly kind: ClassKind;
	readonly name?: string;
	readonly lesson?: string;
	readonly address?: string;
	readonly port?: number;
	readonly listenerPort?: number;
	/** How a follow-up command names the folder: '' for the current folder, else ` --dir DIR`. */
	readonly dirOption?: string;
};

/** `class init`: make the class folder from the roster, or bring it up to a longer roster (every password and secret kept). */
export async function initClass(options: InitOptions): Promise<Outcome> {
	const {dir, kind} = options;
	const roster = await readRoster(options.roster, kind);
	if (!roster.ok) return {ok: false, problems: roster.problems};

	const existing = await existingClass(dir);
	if (!existing.ok) return existing;
	const before = existing.value;
	if (before && before.config.kind !== kind) {
		const is = before.config.kind === 'hub' ? 'a Docker Hub class (--hub)' : 'a class with its own registry';
		return refused(
			`${path.resolve(dir)} is already ${is}: it cannot change kind. ` +
				`${kind === 'hub' ? 'Leave out --hub' : 'Add --hub'}, or make a new class folder with --dir.`,
		);
	}

	const warnings: string[] = [];
	let address = options.address ?? before?.config.address;
	if (address === undefined) {
		const found = machineAddress();
		address = found.address;
		if (found.warning) warnings.push(found.warning);
	}
	const lesson = options.lesson ?? before?.config.lesson ?? (await defaultLessonId());
	if (lesson === undefined) return refused('no lesson that ships with registry-lab can be used: install registry-lab again.');
	const config: ClassConfig = {
		version: 1,
		kind,
		name: options.name ?? before?.config.name ?? (path.basename(path.resolve(dir)) || 'class'),
		lesson,
		address,
		bind: before?.config.bind ?? classDefaults.bind,
		port: options.port ?? before?.config.port ?? classDefaults.port,
		listenerPort: options.listenerPort ?? before?.config.listenerPort ?? classDefaults.listenerPort,
		tls: before?.config.tls ?? false,
		notifySecret: before?.config.notifySecret ?? secret(),
		httpSecret: before?.config.httpSecret ?? secret(),
		instructorPassword: before?.config.instructorPassword ?? generatePassword(),
	};
	if (kind === 'registry' && config.port === config.listenerPort) {
		return refused(`the registry and the listener cannot both use port ${config.port}: give --port and --listener-port different ports.`);
	}

	const accounts = [...(before?.accounts ?? [])];
	const known = new Set(accounts.map(account => account.username.toLowerCase()));
	const onRoster = new Set(roster.entries.map(entry => entry.name.toLowerCase()));
	const added: string[] = [];
	for (const entry of roster.entries) {
		if (known.has(entry.name.toLowerCase())) continue;
		accounts.push({username: entry.name, password: secretFor(kind)});
		added.push(entry.name);
	}
	const kept = accounts.length - added.length;
	const notOnRoster = accounts.filter(account => !onRoster.has(account.username.toLowerCase())).map(account => account.username);

	await makePrivateFolder(dir);
	if (kind === 'registry') await makePrivateFolder(classPath(dir, classFiles.storage));
	await writeAll(dir, {
		[classFiles.htpasswd]: htpasswd(config, accounts),
		[classFiles.accounts]: accountsCsv(accounts, kind),
		[classFiles.sheet]: classSheet(config, accounts),
		...(kind === 'registry' ? {[classFiles.registryConfig]: registryConfigText(dir, config)} : {}),
		[classFiles.config]: `${JSON.stringify(config, null, '\t')}\n`,
	});

	const where = path.resolve(dir);
	const codes = kind === 'hub' ? 'join codes' : 'passwords';
	const dirOption = options.dirOption ?? ` --dir ${dir}`;
	const lines = [
		before ? `Updated the class folder ${where} (private to you).` : `Made the class folder ${where} (private to you: only your account can read it).`,
		added.length > 0
			? `Added ${count(added.length, 'student')}: ${names(added)}${kept > 0 ? `; kept ${kept} with their ${codes}` : ''}.`
			: `No new students on the roster; kept ${count(kept, 'student')} with their ${codes}.`,
		...(notOnRoster.length > 0
			? [`Not on the roster but still in the class: ${names(notOnRoster)} (registry-lab class remove NAME${dirOption} removes one).`]
			: []),
		`The ${codes} are in ${classFiles.sheet} (the sheet to print and cut into slips) and ${classFiles.accounts} (private).`,
		...(kind === 'registry'
			? [`${classFiles.registryConfig}: the class registry on port ${config.port}, students push to ${config.address}:${config.port}.`]
			: []),
		`Students type: ${joinLine(config)}`,
		`Next: registry-lab class up${dirOption}`,
	];
	return {ok: true, lines, warnings};
}

/** `class add NAME`: one more student, with a new account and slip. */
export async function addStudent(dir: string, name: string): Promise<Outcome> {
	const folder = await openClass(dir);
	if (!folder.ok) return folder;
	const {config, accounts} = folder.value;
	const already = accounts.find(account => account.username.toLowerCase() === name.toLowerCase());
	if (already) {
		const as = already.username === name ? '' : ` as '${already.username}' (image names are lowercase, so they would be the same)`;
		return refused(
			`'${name}' is already in the class${as}: give the new student another name, or registry-lab class password ${already.username} for a new password.`,
		);
	}
	const problem = nameProblem(name, config.kind, new Set(accounts.map(account => account.username.toLowerCase())));
	if (problem) return refused(problem);
	const next = [...accounts, {username: name, password: secretFor(config.kind)}];
	await writeAccounts(dir, config, next);
	const codes = config.kind === 'hub' ? 'join code' : 'password';
	return {
		ok: true,
		lines: [
			`Added ${name} to the class ${config.name} (${next.length} students now).`,
			`Their ${codes} is in ${classFiles.sheet} (their slip is the last one) and ${classFiles.accounts} (private).`,
		],
		warnings: [],
	};
}

/** `class password NAME`: a new password (join code) for one student; the old one stops working. The new one is returned to be printed once. */
export async function newPassword(dir: string, name: string, closestName?: Closest): Promise<Outcome & {readonly password?: string}> {
	const folder = await openClass(dir);
	if (!folder.ok) return folder;
	const {config, accounts} = folder.value;
	const found = findStudent(accounts, name, closestName);
	if (!found.ok) return found;
	const password = secretFor(config.kind);
	const next = accounts.map(account => (account === found.account ? {username: account.username, password} : account));
	await writeAccounts(dir, config, next);
	const code = config.kind === 'hub' ? 'join code' : 'password';
	return {
		ok: true,
		password,
		lines: [
			`New ${code} for ${found.account.username}: ${password}`,
			`Tell it to ${found.account.username} yourself; the old ${code} no longer works. ${classFiles.sheet} and ${classFiles.accounts} have the new one.`,
		],
		warnings: [],
	};
}

/**
 * `class remove NAME [--purge]`: the account goes from htpasswd, accounts.csv and the sheet. With `purge`, every
 * tag of every repository under NAME/ is deleted from the class registry first, as the instructor; when the
 * registry does not answer, nothing is changed.
 */
export async function removeStudent(
	dir: string,
	name: string,
	options: {readonly purge: boolean; readonly dirOption?: string; readonly closest?: Closest},
): Promise<Outcome> {
	const folder = await openClass(dir);
	if (!folder.ok) return folder;
	const {config, accounts} = folder.value;
	const found = findStudent(accounts, name, options.closest);
	if (!found.ok) return found;
	const username = found.account.username;
	const lines: string[] = [];
	if (options.purge) {
		const purged = await purgeImages(config, username, options.dirOption ?? ` --dir ${dir}`, config.tls ? await readClassCa(dir) : undefined);
		if (!purged.ok) return purged;
		lines.push(...purged.lines);
	}
	await writeAccounts(
		dir,
		config,
		accounts.filter(account => account !== found.account),
	);
	lines.unshift(
		`Removed ${username} from the class ${config.name}: their ${config.kind === 'hub' ? 'join code' : 'password'} no longer works, ` +
			`and their slip is gone from ${classFiles.sheet}.`,
	);
	if (!options.purge && config.kind === 'registry') lines.push(`Their images stay in the class registry (--purge deletes them).`);
	return {ok: true, lines, warnings: []};
}

/** Delete every tag of every repository under USERNAME/ from the class registry, as the instructor. */
async function purgeImages(
	config: ClassConfig,
	username: string,
	dirOption: string,
	ca: Buffer | undefined,
): Promise<{ok: true; lines: string[]} | {ok: false; problems: string[]; partly?: string}> {
	const host = hostPort(localHost(config.bind), config.port);
	// A class with --tls is trusted by its own certificate (tls/ca.crt), not the system's.
	if (config.tls && !ca)
		return {
			ok: false,
			problems: [
				"the class's certificate (tls/ca.crt) cannot be read, so its registry cannot be trusted: " +
					`run registry-lab class up --tls${dirOption} to make it.`,
			],
		};
	const client = createRegistryClient({
		registry: host,
		scheme: config.tls ? 'https' : 'http',
		credentials: {username: instructorAccount, password: config.instructorPassword},
		timeoutMs: 10_000,
		...(config.tls && ca ? {ca} : {}),
	});
	const ping = await client.ping();
	if (!ping.ok) {
		if (ping.reason === 'network') {
			return {
				ok: false,
				problems: [
					`the class registry at ${host} does not answer, so ${username}'s images cannot be deleted: ` +
						`run registry-lab class up${dirOption} first.`,
				],
			};
		}
		return {ok: false, problems: [`the class registry at ${host} cannot be used to delete images: ${ping.message}`]};
	}
	const catalog = await client.catalog();
	if (!catalog.ok) return {ok: false, problems: [`the class registry did not list its repositories: ${catalog.message}`]};
	const mine = catalog.repositories.filter(repository => repository.startsWith(`${username}/`));
	let tags = 0;
	let repositories = 0;
	for (const repository of mine) {
		const listed = await client.listTags(repository);
		if (!listed.ok) {
			if (listed.reason === 'not-found') continue;
			return {ok: false, problems: [`the tags of ${repository} could not be listed: ${listed.message}`]};
		}
		const digests = new Set<string>();
		for (const tag of listed.tags) {
			const manifest = await client.headManifest(repository, tag);
			if (!manifest.ok) {
				if (manifest.reason === 'not-found') continue;
				return {ok: false, problems: [`${repository}:${tag} could not be looked up: ${manifest.message}`]};
			}
			digests.add(manifest.digest);
			tags += 1;
		}
		for (const digest of digests) {
			const deleted = await client.deleteManifest(repository, digest);
			if (!deleted.ok && deleted.reason !== 'not-found') {
				return {
					ok: false,
					problems: [`${repository}@${digest} could not be deleted: ${deleted.message} ${username} is still in the class; run the command again.`],
				};
			}
		}
		if (digests.size > 0) repositories += 1;
	}
	return {
		ok: true,
		lines: [
			tags > 0
				? `Deleted ${count(tags, 'tag')} in ${count(repositories, 'repository', 'repositories')} under ${username}/ from the class registry.`
				: `The class registry had no images under ${username}/.`,
		],
	};
}

// ---------------------------------------------------------------------------
// The folder's files

type ClassState = {readonly config: ClassConfig; readonly accounts: readonly Account[]};

/** The class in DIR, or undefined when DIR holds no class.json (a new class); a damaged class is refused. */
async function existingClass(dir: string): Promise<{ok: true; value: ClassState | undefined} | {ok: false; problems: string[]}> {
	try {
		await stat(classPath(dir, classFiles.config));
	} catch {
		return {ok: true, value: undefined};
	}
	const opened = await openClass(dir);
	return opened.ok ? {ok: true, value: opened.value} : opened;
}

async function openClass(dir: string): Promise<{ok: true; value: ClassState} | {ok: false; problems: string[]}> {
	const config = await readClassConfig(dir);
	if (!config.ok) return {ok: false, problems: [config.problem]};
	const accounts = await readAccounts(dir);
	if (!accounts.ok) return {ok: false, problems: [accounts.problem]};
	return {ok: true, value: {config: config.value, accounts: accounts.value}};
}

/** The name among `names` that a mistyped one is most likely a slip of (the commands' did-you-mean). */
export type Closest = (name: string, names: readonly string[]) => string | undefined;

function findStudent(
	accounts: readonly Account[],
	name: string,
	closestName: Closest | undefined,
): {ok: true; account: Account} | {ok: false; problems: string[]} {
	const account = accounts.find(each => each.username === name) ?? accounts.find(each => each.username.toLowerCase() === name.toLowerCase());
	if (account) return {ok: true, account};
	if (name.toLowerCase() === instructorAccount) return {ok: false, problems: [`'${name}' is the instructor's own account, not a student's.`]};
	const near = closestName?.(
		name,
		accounts.map(each => each.username),
	);
	return {ok: false, problems: [`there is no student '${name}' in the class${near ? ` (did you mean ${near}?)` : ''}.`]};
}

async function writeAccounts(dir: string, config: ClassConfig, accounts: readonly Account[]): Promise<void> {
	await writeAll(dir, {
		[classFiles.htpasswd]: htpasswd(config, accounts),
		[classFiles.accounts]: accountsCsv(accounts, config.kind),
		[classFiles.sheet]: classSheet(config, accounts),
	});
}

/** Every file to a temp file first, then each renamed into place: a failure before the renames leaves every old file. */
export async function writeAll(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
	const tag = randomBytes(6).toString('hex');
	const writes = Object.entries(files).map(([file, contents]) => ({target: classPath(dir, file), temp: `${classPath(dir, file)}.${tag}.tmp`, contents}));
	try {
		for (const {temp, contents} of writes) await writeFile(temp, contents, {mode: 0o600});
		for (const {temp, target} of writes) await rename(temp, target);
	} finally {
		await Promise.all(writes.map(({temp}) => rm(temp, {force: true})));
	}
}

async function makePrivateFolder(dir: string): Promise<void> {
	await mkdir(dir, {recursive: true, mode: 0o700});
	await chmod(dir, 0o700);
}

/** htpasswd: the instructor first, then each student (bcrypt; every line made again from accounts.csv, so the two always agree). */
function htpasswd(config: ClassConfig, accounts: readonly Account[]): string {
	const everyone = [{username: instructorAccount, password: config.instructorPassword}, ...accounts];
	return `${everyone.map(account => htpasswdLine(account.username, account.password, generatedPasswordCost)).join('\n')}\n`;
}

export {joinLine};

/** accounts.md: one slip per student (the instructor never on it), separated by rules so they can be cut apart. */
export function classSheet(config: ClassConfig, accounts: readonly Account[]): string {
	const code = config.kind === 'hub' ? 'join code' : 'password';
	const slip = (account: Account) =>
		[
			`**${config.name}** · class address \`${config.address}:${config.listenerPort}\``,
			'',
			`- ${config.kind === 'hub' ? 'Docker Hub username' : 'username'}: \`${account.username}\``,
			`- ${code}: \`${account.password}\``,
			'',
			'Type this in a terminal:',
			'',
			`    ${joinLine(config)}`,
			'',
		].join('\n');
	return [
		`# ${config.name}: registry-lab accounts`,
		'',
		`Print this page and cut along the lines: one slip per student. It holds every ${code}: keep it private.`,
		'',
		'---',
		'',
		...accounts.map(account => `${slip(account)}\n---\n`),
	].join('\n');
}

/** A random secret: 32 bytes, base64url. */
function secret(): string {
	return randomBytes(32).toString('base64url');
}

/** A student's password, or in a Docker Hub class a join code: two groups of four, e.g. `k7qe-m2xa`. */
function secretFor(kind: ClassKind): string {
	if (kind === 'registry') return generatePassword();
	return generateJoinCode();
}

export function generateJoinCode(): string {
	const group = () => Array.from({length: 4}, () => passwordAlphabet[randomInt(passwordAlphabet.length)]).join('');
	return `${group()}-${group()}`;
}

/** This machine's first non-internal IPv4 address; else 127.0.0.1, with a warning that other machines cannot reach it. */
export function machineAddress(interfaces = os.networkInterfaces()): {address: string; warning?: string} {
	for (const list of Object.values(interfaces)) {
		for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return {address: entry.address};
	}
	return {
		address: '127.0.0.1',
		warning:
			'this machine has no network address other machines can reach, so the class uses 127.0.0.1, which works on this machine only. ' +
			'Give --address HOST (a name or IP address the students can reach) when the network is up.',
	};
}

function count(n: number, word: string, plural = `${word}s`): string {
	return `${n} ${n === 1 ? word : plural}`;
}

/** At most ten names, then how many more. */
function names(list: readonly string[]): string {
	return list.length <= 10 ? list.join(', ') : `${list.slice(0, 10).join(', ')} and ${list.length - 10} more`;
}

/** For tests and the commands: read a class folder's file as text. */
export async function readClassFile(dir: string, file: string): Promise<string> {
	return readFile(classPath(dir, file), 'utf8');
}
