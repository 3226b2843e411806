/** Reading and writing a class folder's class.json and accounts.csv: private files, written whole (temp file, then rename). */
import {randomBytes} from 'node:crypto';
import {readFile, rename, writeFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {classFiles, type ClassConfig} from './class-types.js';

export type ClassFolder = {readonly dir: string; readonly config: ClassConfig};
export type Read<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly problem: string};

/** The absolute path of one of the class folder's files. */
export function classPath(dir: string, file: string): string {
	return path.resolve(dir, file);
}

/** class.json, checked: a folder that is not a class folder (or a damaged file) is named with what to do. */
export async function readClassConfig(dir: string): Promise<Read<ClassConfig>> {
	const file = classPath(dir, classFiles.config);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') {
			const where = path.resolve(dir);
			return {ok: false, problem: `${where} is not a class folder: run registry-lab class init --roster FILE first, or name it with --dir.`};
		}
		return {ok: false, problem: `${file} cannot be read (${code ?? String(error)}).`};
	}
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return {ok: false, problem: `${file} is not valid JSON: restore it, or make the class again with class init.`};
	}
	const problem = configProblem(data);
	return problem ? {ok: false, problem: `${file}: ${problem}`} : {ok: true, value: data as ClassConfig};
}

const port = (value: unknown) => Number.isInteger(value) && (value as number) > 0 && (value as number) < 65536;
const text = (value: unknown) => typeof value === 'string' && value.length > 0 && value.length <= 256;

function configProblem(data: unknown): string | null {
	if (typeof data !== 'object' || data === null) return 'it is not a class configuration.';
	const config = data as Record<string, unknown>;
	if (config.version !== 1) return `version ${JSON.stringify(config.version)} is not one this registry-lab reads (1).`;
	if (config.kind !== 'registry' && config.kind !== 'hub') return "kind must be 'registry' or 'hub'.";
	for (const name of ['name', 'lesson', 'address', 'bind', 'notifySecret', 'httpSecret', 'instructorPassword']) {
		if (!text(config[name])) return `${name} is missing or not a short text.`;
	}
	for (const name of ['port', 'listenerPort']) if (!port(config[name])) return `${name} must be a port number (1-65535).`;
	if (typeof config.tls !== 'boolean') return 'tls must be true or false.';
	return null;
}

/** Write a file of the class folder whole, readable by its owner only. */
export async function writePrivateFile(dir: string, file: string, contents: string): Promise<void> {
	const target = classPath(dir, file);
	const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
	try {
		await writeFile(temp, contents, {mode: 0o600});
		await rename(temp, target);
	} catch (error) {
		await rm(temp, {force: true});
		throw error;
	}
}

export async function writeClassConfig(dir: string, config: ClassConfig): Promise<void> {
	await writePrivateFile(dir, classFiles.config, `${JSON.stringify(config, null, '\t')}\n`);
}

/** One row of accounts.csv: the username and its password (a Hub class: its join code). */
export type Account = {readonly username: string; readonly password: string};

/** accounts.csv is `username,password` (or `username,join code`): neither field ever holds a comma, quote or line break. */
export function accountsCsv(accounts: readonly Account[], kind: ClassConfig['kind']): string {
	const header = kind === 'hub' ? 'username,join code' : 'username,password';
	return [header, ...accounts.map(account => `${account.username},${account.password}`), ''].join('\n');
}

export async function readAccounts(dir: string): Promise<Read<Account[]>> {
	const file = classPath(dir, classFiles.accounts);
	let content: string;
	try {
		content = await readFile(file, 'utf8');
	} catch (error) {
		return {ok: false, problem: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`};
	}
	const lines = content.split(/\r?\n/).filter(line => line.length > 0);
	if (!/^username,(password|join code)$/.test(lines[0] ?? '')) return {ok: false, problem: `${file} does not start with the line username,password.`};
	const accounts: Account[] = [];
	for (const [index, line] of lines.slice(1).entries()) {
		const [username, password, ...rest] = line.split(',');
		if (!username || !password || rest.length > 0) return {ok: false, problem: `${file}:${index + 2}: expected username,password.`};
		accounts.push({username, password});
	}
	return {ok: true, value: accounts};
}

/** The one line a student types (on the sheet, in class up's output and above the class view). */
export function joinLine(config: Pick<ClassConfig, 'address' | 'listenerPort'>): string {
	return `npx registry-lab --class ${config.address}:${config.listenerPort}`;
}
